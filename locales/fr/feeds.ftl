# Les flux Atom (leurs titres, et le lien dans l’en-tête des pages qu’ils suivent).
feed-board-title = { $name } : nouveaux sujets · { $site }
feed-thread-title = { $name } · { $site }
feed-city-title = { $name } : nouveaux sujets · { $site }
feed-group-title = { $name } : nouveaux sujets · { $site }
feed-actions-title = Actions à venir · { $site }
feed-post-title = { $thread } · message { $number }
