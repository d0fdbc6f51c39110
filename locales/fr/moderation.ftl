# Staff tools on a thread's posts, and the page asking before a post is deleted for good.
post-moderate = Modérer
post-moderate-which = message n° { $number }
post-delete-title = Supprimer définitivement le message n° { $number }
post-delete-warning = Le texte du message et son historique seront effacés pour de bon ; seule une mention « supprimé par l’équipe de modération » restera à sa place. Cette action ne peut pas être annulée.
post-delete-by = Écrit par { $author }
post-delete-reason-hint = Le motif figure au journal de modération.
post-delete-confirm = Supprimer définitivement
post-delete-cancel = Annuler
