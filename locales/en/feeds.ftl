# The Atom feeds (their titles, and the link in the head of the pages they follow).
feed-board-title = { $name }: new threads · { $site }
feed-thread-title = { $name } · { $site }
feed-city-title = { $name }: new threads · { $site }
feed-group-title = { $name }: new threads · { $site }
feed-actions-title = Upcoming actions · { $site }
feed-post-title = { $thread } · post { $number }
