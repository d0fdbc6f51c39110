# Staff tools on a thread's posts, and the page asking before a post is deleted for good.
post-moderate = Moderate
post-moderate-which = post #{ $number }
post-delete-title = Delete post #{ $number } for good
post-delete-warning = The post's text and its history will be erased for good; only a note “deleted by the moderators” will stay in its place. This cannot be undone.
post-delete-by = Written by { $author }
post-delete-reason-hint = The reason goes into the moderation log.
post-delete-confirm = Delete for good
post-delete-cancel = Cancel
