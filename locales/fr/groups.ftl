# Groupes locaux : annuaire, page d’un groupe, adhésion, administration, courriels.

group-error-name-short = Le nom doit compter au moins 3 caractères.
group-error-name-long = Le nom ne doit pas dépasser 80 caractères.
group-error-website = Indiquez une adresse web complète (http:// ou https://).
group-error-description-long = La description est trop longue.
group-error-message-long = Le message ne doit pas dépasser 1000 caractères.
group-error-choice = Choix inconnu.
group-error-slug-taken = Cet identifiant est déjà pris.
group-error-already-member = Vous êtes déjà membre de ce groupe.
group-error-already-requested = Votre demande est déjà en attente.
group-error-last-coordinator = Un groupe garde toujours au moins un·e coordinateur·rice.
group-error-request-gone = Cette demande n’est plus en attente (retirée ou déjà traitée).
group-error-invite-invalid = Cette invitation est inconnue, expirée, révoquée ou épuisée.
group-error-invite-needed = Ce groupe ne s’ouvre que sur invitation.
group-error-members-only = Réservé aux membres du groupe.
group-error-creation-off = La création de groupes est fermée sur ce site.
group-error-creation-staff = Seule l’équipe du site peut créer des groupes.

groups-title = Groupes locaux
groups-intro = Les groupes locaux qui s’organisent près de chez vous.
groups-search = Rechercher
groups-search-label = Nom commençant par
groups-city-label = Ville (identifiant)
groups-none = Aucun groupe ne correspond.
groups-next = Groupes suivants
groups-new = Créer un groupe
groups-members-count = { $count ->
    [one] { $count } membre
   *[other] { $count } membres
}

group-new-title = Créer un groupe
group-field-name = Nom
group-field-slug = Identifiant (adresse)
group-field-city = Ville
group-field-description = Description (Markdown)
group-field-website = Site web
group-field-visibility = Visibilité
group-field-join-policy = Adhésion
group-visibility-public = Public (dans l’annuaire)
group-visibility-unlisted = Non listé (accessible par son lien)
group-policy-open = Ouverte
group-policy-request = Sur demande
group-policy-invite = Sur invitation
group-create = Créer le groupe
group-save = Enregistrer
group-form-errors = Le formulaire contient des erreurs.

group-coordinators = Coordination
group-boards = Forums du groupe
group-board-private = privé
group-join = Rejoindre le groupe
group-request = Demander à rejoindre
group-request-message = Message aux coordinateur·rices (facultatif)
group-pending = Votre demande est en attente.
group-withdraw = Retirer ma demande
group-you-member = Vous êtes membre de ce groupe.
group-you-coordinator = Vous coordonnez ce groupe.
group-leave = Quitter le groupe
group-invite-only = Ce groupe s’ouvre sur invitation.
group-login-to-join = Connectez-vous pour rejoindre ce groupe.
group-members-link = Membres
group-admin-link = Administration
group-website = Site web

group-members-title = Membres de { $group }
group-role-coordinator = coordination
group-role-member = membre

group-admin-title = Administrer { $group }
group-admin-settings = Réglages
group-admin-requests = Demandes en attente
group-admin-no-requests = Aucune demande en attente.
group-approve = Accepter
group-refuse = Refuser
group-reason = Motif (facultatif)
group-admin-invites = Invitations
group-invite-uses = Utilisations maximum
group-invite-days = Valable (jours)
group-invite-create = Créer une invitation
group-invite-created = Invitation créée. Copiez ce lien maintenant, il ne sera plus affiché :
group-invite-usable = valable
group-invite-dead = inutilisable
group-invite-revoke = Révoquer
group-invite-status = { $uses } / { $max } utilisations, expire le { $expires }
group-admin-boards = Forums
group-board-slug = Identifiant
group-board-name = Nom
group-board-visibility = Visibilité
group-board-public = Public
group-board-private-option = Privé (membres)
group-board-create = Créer le forum
group-admin-private-reads = Lectures par l’équipe du site
group-private-reads-intro = L’équipe de modération du site ne lit une discussion de vos forums privés qu’après qu’un de vos membres y a signalé un message. Chaque lecture est listée ici, de la plus récente à la plus ancienne (les 50 dernières).
group-private-reads-none = L’équipe du site n’a lu aucune de vos discussions privées.
group-private-read-verb = a lu
group-private-read-deleted = Un compte supprimé
group-admin-members = Membres
group-make-coordinator = Nommer coordinateur·rice
group-make-member = Rendre membre
group-remove = Retirer du groupe

group-invitation-title = Invitation à rejoindre { $group }
group-invitation-invalid = Cette invitation n’est plus valable.
group-invitation-join = Rejoindre avec cette invitation

email-group-approved-subject = Bienvenue dans { $group }
email-group-approved-heading = Votre demande est acceptée
email-group-approved-intro = Votre demande pour rejoindre { $group } a été acceptée.
email-group-refused-subject = Votre demande pour { $group }
email-group-refused-heading = Votre demande n’a pas été acceptée
email-group-refused-intro = Votre demande pour rejoindre { $group } n’a pas été acceptée.
email-group-reason = Message des coordinateur·rices :
email-group-open = Voir le groupe
