# Fédération : la page des administrateurs (/admin/federation) et les mots du journal de modération.
admin-nav-federation = Fédération
federation-admin-title = Fédération
federation-admin-on = La fédération est active : les forums publics, les groupes publics et les membres sont des acteurs ActivityPub.
federation-admin-off = La fédération est désactivée (federation.enabled) : ces règles s’appliqueront quand elle sera activée.
federation-admin-allowlist = Mode liste blanche : seules les instances marquées « autoriser » fédèrent.
federation-admin-policies = Règles par instance
federation-admin-no-policies = Aucune règle : toute instance peut fédérer, sauf en mode liste blanche.
federation-admin-col-domain = Instance
federation-admin-col-policy = Règle
federation-admin-col-reason = Motif
federation-admin-col-set = Posée par
federation-admin-col-actors = Acteurs connus
federation-admin-col-follows = Abonnements ici
federation-admin-remove = Retirer
federation-admin-set = Poser une règle
federation-admin-domain = Domaine de l’instance (par ex. social.example)
federation-admin-save = Enregistrer
federation-admin-saved = La règle est enregistrée et inscrite au journal de modération.
federation-admin-removed = La règle est retirée.
federation-admin-bad-domain = Indiquez seulement le domaine d’une instance, comme social.example (sans chemin ni compte).
federation-admin-instances = Instances connues
federation-admin-no-instances = Aucune instance distante ne s’est encore manifestée.
federation-admin-deliveries = Envois
federation-admin-pending = En attente
federation-admin-delivered = Remis
federation-admin-failed = Échoués
federation-policy-block = Bloquer
federation-policy-limit = Limiter
federation-policy-allow = Autoriser
federation-admin-policy-help = Bloquer : rien n’est reçu de cette instance ni envoyé vers elle. Limiter : ses forums suivis ici ne sont lus que par les membres qui les suivent, et ce que ses membres publient ailleurs attend l’examen de la modération. Autoriser : en mode liste d’autorisation, seules ces instances fédèrent.
modlog-action-instance_block = Instance bloquée
modlog-action-instance_limit = Instance limitée
modlog-action-instance_allow = Instance autorisée
modlog-action-instance_unset = Règle d’instance retirée

# Messages reçus d’autres serveurs
mod-flag-origin-label = Signaler à son serveur (motif)
mod-flag-origin = Signaler à son serveur
modlog-action-flag_remote_post = Message signalé à son serveur

# Suivre des forums d’autres serveurs
federation-following-title = Forums d’autres serveurs
federation-following-intro = Suivez un forum ou un groupe d’un autre Vigie, ou une communauté Lemmy : ses sujets apparaissent ici, et vous pouvez y répondre d’ici.
federation-follow-label = Identifiant ou adresse
federation-follow-help = Par exemple !general@vigie.example ou https://vigie.example/b/general
federation-follow-submit = Suivre
federation-follow-done = Vous suivez ce forum ; ses nouveaux sujets apparaîtront ici dès que son serveur aura accepté.
federation-unfollow-done = Vous ne suivez plus ce forum.
federation-follow-unreadable = Ce n’est ni un identifiant (!forum@serveur) ni une adresse (https://…).
federation-follow-not-found = Rien n’a répondu à cet identifiant ou cette adresse (ou son serveur est bloqué ici).
federation-follow-not-group = C’est une personne, pas un forum ni un groupe.
federation-follow-too-many = Vous suivez autant de forums d’autres serveurs que permis (200) : cessez d’en suivre un d’abord.
federation-follow-ours = Ce forum est sur ce serveur : suivez-le depuis sa page.
federation-following-list = Forums que vous suivez
federation-following-none = Vous ne suivez encore aucun forum d’un autre serveur.
federation-following-pending = en attente de son serveur
federation-following-threads = { $count ->
    [one] { $count } sujet
   *[other] { $count } sujets
}
federation-following-origin = sur son serveur
federation-unfollow = Ne plus suivre
