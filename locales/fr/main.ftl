# Vigie — catalogue français (langue principale).
# Typographie : espace insécable avant « : » et à l’intérieur des guillemets,
# espace fine insécable avant « ; ! ? ».
# Les deux catalogues (fr, en) doivent définir exactement les mêmes clés.

## Mise en page

skip-to-content = Aller au contenu
nav-main-label = Navigation principale
nav-account-label = Compte
nav-boards = Forums
nav-cities = Villes
nav-following = Forums d’autres serveurs
nav-settings = Paramètres
nav-admin = Administration
nav-logout = Se déconnecter
nav-login = Se connecter
nav-register = Créer un compte
lang-switch-label = Langue
lang-switch-submit = Changer
footer-tagline = { $site } — forum libre, sans pistage
breadcrumbs-label = Fil d’Ariane
error-home-link = Retour à l’accueil

## Éléments communs

badge-pinned = Épinglé
badge-locked = Verrouillé
form-cancel = Annuler
form-has-errors = Le formulaire contient une erreur ; corrigez-la puis envoyez-le à nouveau.
markdown-hint = Mise en forme Markdown : **gras**, *italique*, [lien](https://exemple.org), listes commençant par « - », citations commençant par « > ».
city-field-hint = Nom de la ville ou identifiant, par exemple « paris ».
city-candidates-intro = Plusieurs villes portent ce nom. Saisissez l’identifiant de celle que vous voulez :
field-username = Nom d’utilisateur
field-email = Adresse e-mail
field-login = Nom d’utilisateur ou adresse e-mail
field-password = Mot de passe
username-hint = De 3 à 32 caractères : lettres, chiffres, _ ou -.
email-hint = Elle n’est jamais affichée publiquement.
password-hint = Au moins 8 caractères. Une phrase de passe est plus facile à retenir et plus sûre.
honeypot-label = Laissez ce champ vide (il sert à repérer les robots).

## Pagination

pagination-label = Pagination
pagination-first = Première page
pagination-prev = ‹ Page précédente
pagination-next = Page suivante ›
pagination-page = Page { $number }

## Listes de sujets

threads-col-thread = Sujet
threads-col-replies = Réponses
threads-col-last-activity = Dernier message
threads-empty = Aucun sujet pour l’instant.
thread-started-by = par
thread-in-board = dans
thread-last-poster = dernier message par

## Accueil

home-title = Forums
home-heading = Forums
home-intro = Discussions entre groupes locaux qui résistent à la surveillance urbaine.
home-boards-caption = Liste des forums
home-no-boards = Aucun forum n’a encore été créé.
home-active-cities = Villes les plus actives
home-no-active-cities = Aucune ville n’a encore de sujet.
home-all-cities = Voir toutes les villes
boards-col-board = Forum
boards-col-threads = Sujets
boards-col-posts = Messages
boards-col-last-activity = Dernière activité
boards-no-activity = Pas encore de message
city-thread-count =
    { $count ->
        [0] aucun sujet
        [one] { $count } sujet
       *[other] { $count } sujets
    }

## Forum

board-stats-threads =
    { $count ->
        [0] Aucun sujet
        [one] { $count } sujet
       *[other] { $count } sujets
    }
board-stats-posts =
    { $count ->
        [0] aucun message
        [one] { $count } message
       *[other] { $count } messages
    }
board-new-thread = Ouvrir un sujet
board-login-to-post = Se connecter pour ouvrir un sujet
board-filter-label = Filtrer par ville (nom ou identifiant)
board-filter-submit = Filtrer
board-filtered-by = Sujets concernant la ville :
board-filter-remove = retirer le filtre
board-mark-read = Tout marquer comme lu
thread-unread-since = { $count ->
    [one] 1 nouveau message
   *[other] { $count } nouveaux messages
}
thread-unread-new = Nouveau
board-filter-unknown = Aucune ville ne s’appelle « { $query } » : le forum est affiché sans filtre.
board-filter-ambiguous = Plusieurs villes s’appellent « { $query } » : choisissez-en une.
board-filter-directory = Chercher parmi les villes
board-pinned-heading = Sujets épinglés
board-threads-heading = Sujets

## Sujet

thread-started-on = Ouvert le
thread-post-count =
    { $count ->
        [one] { $count } message
       *[other] { $count } messages
    }
thread-locked-notice = Ce sujet est verrouillé : il n’est plus possible d’y répondre.
thread-no-posts = Ce sujet ne contient aucun message.
post-origin = sur son serveur
post-edited-on = modifié le
post-edit = Modifier
post-permalink = Lien vers le message n° { $number }
reply-heading = Répondre
reply-body-label = Votre message
reply-submit = Publier la réponse
reply-login = Se connecter pour répondre
reply-page-title = Répondre à « { $title } »

## Nouveau sujet

new-thread-title = Nouveau sujet
new-thread-heading = Ouvrir un sujet
new-thread-in-board = Dans le forum « { $board } »
new-thread-title-label = Titre
new-thread-city-label = Ville (facultatif)
new-thread-body-label = Message
new-thread-submit = Publier le sujet

## Modification d’un message

edit-post-title = Modifier le message n° { $number }
edit-post-body-label = Message
edit-post-submit = Enregistrer les modifications
edit-conflict-notice = Quelqu’un d’autre a modifié ce message pendant que vous le rédigiez. Voici la version actuelle : reportez-y vos changements dans le formulaire ci-dessous, puis enregistrez à nouveau.
edit-conflict-current = Version actuelle
edit-conflict-yours = Votre version

## Villes

cities-title = Villes
cities-heading = Annuaire des villes
cities-intro = Retrouvez les sujets qui concernent une ville, tous forums confondus.
cities-search-label = Le nom commence par
cities-search-submit = Rechercher
cities-caption = Villes trouvées
cities-col-city = Ville
cities-col-country = Pays
cities-col-population = Population
cities-col-threads = Sujets
cities-truncated = D’autres villes correspondent ; précisez votre recherche pour les voir.
cities-none = Aucune ville à afficher.
cities-none-matching = Aucune ville ne commence par « { $query } ».
cities-attribution = Données des villes : GeoNames,
city-country = Pays
city-region = Région
city-population = Population
city-threads = Sujets
city-identifier = Identifiant
city-threads-heading = Sujets concernant { $city }

## Profil

profile-title = Profil de { $username }
profile-remote = Compte sur un autre serveur
profile-joined = Inscription
profile-posts = Messages
profile-threads = Sujets
profile-home-city = Ville
profile-no-home-city = Non renseignée
profile-recent-threads = Sujets récents

## Inscription et connexion

register-title = Créer un compte
register-heading = Créer un compte
register-intro = Un nom d’utilisateur, une adresse e-mail et un mot de passe suffisent.
register-submit = Créer mon compte
register-have-account = Vous avez déjà un compte ?
register-login-link = Se connecter
login-title = Connexion
login-heading = Connexion
login-submit = Se connecter
login-no-account = Pas encore de compte ?
login-register-link = Créer un compte

## Paramètres

settings-title = Paramètres
settings-heading = Paramètres du compte
settings-account-heading = Compte
settings-email-private = Votre adresse e-mail n’est visible que par vous et par les administrateurs.
settings-preferences-heading = Préférences
settings-locale-label = Langue de l’interface
settings-locale-auto = Automatique (langue du navigateur, sinon celle du site)
settings-home-city-label = Ville de rattachement
settings-home-city-hint = Nom de la ville ou identifiant, par exemple « paris ». Laissez vide pour n’en indiquer aucune.
settings-preferences-submit = Enregistrer les préférences
settings-password-heading = Mot de passe
settings-current-password-label = Mot de passe actuel
settings-new-password-label = Nouveau mot de passe
settings-password-sessions-hint = Vos autres sessions seront fermées.
settings-password-submit = Changer le mot de passe
settings-sessions-heading = Sessions ouvertes
settings-sessions-intro = Les navigateurs et jetons d’accès connectés à votre compte. Fermez ceux que vous ne reconnaissez pas.
sessions-col-device = Appareil
sessions-col-kind = Type
sessions-col-created = Ouverte le
sessions-col-last-seen = Dernière activité
sessions-col-actions = Actions
sessions-current = Session actuelle
sessions-kind-web = Navigateur
sessions-kind-api = Jeton d’API
sessions-revoke = Fermer
sessions-revoke-label = Fermer la session « { $device } »
sessions-revoke-others = Se déconnecter partout ailleurs

## Installation

setup-title = Installation
setup-heading = Créer le compte administrateur
setup-intro = Ce formulaire crée le premier compte du forum, avec tous les droits d’administration.
setup-one-time = Ce lien ne sert qu’une seule fois : dès que le compte est créé, il ne fonctionne plus. Ne le transmettez à personne.
setup-submit = Créer le compte administrateur

## Administration

admin-boards-title = Gestion des forums
admin-boards-heading = Gestion des forums
admin-boards-caption = Forums, dans l’ordre d’affichage
admin-col-actions = Actions
admin-edit = Modifier
admin-edit-label = Modifier le forum « { $name } »
admin-move-up = ↑ Monter
admin-move-up-label = Monter le forum « { $name } »
admin-move-down = ↓ Descendre
admin-move-down-label = Descendre le forum « { $name } »
admin-new-board-heading = Nouveau forum
admin-field-slug = Identifiant (utilisé dans l’adresse)
admin-slug-hint = Lettres minuscules, chiffres et tirets, par exemple « transports-publics ». Il ne pourra plus être modifié.
admin-slug-readonly-hint = L’identifiant fait partie des adresses du forum et ne peut pas être modifié.
admin-field-name = Nom (en français, langue par défaut)
admin-field-description = Description
admin-english-legend = Version anglaise (facultative)
admin-english-hint = Montrée aux personnes qui lisent le forum en anglais ; à défaut, le nom et la description en français sont affichés.
admin-field-name-en = Nom en anglais
admin-field-description-en = Description en anglais
admin-create-submit = Créer le forum
admin-board-edit-title = Modifier le forum { $slug }
admin-board-edit-heading = Modifier le forum
admin-save-submit = Enregistrer
admin-back = Retour à la liste des forums

## Erreurs générales (clés utilisées par le code Rust)

error-not-found = Cette page n’existe pas ou n’existe plus.
error-unauthorized = Connectez-vous pour continuer.
error-bad-credentials = Nom d’utilisateur ou adresse e-mail inconnus, ou mot de passe incorrect.
error-forbidden = Vous n’avez pas les droits nécessaires pour cette action.
error-csrf = Ce formulaire a expiré ou ne provient pas de ce site. Rechargez la page et réessayez.
error-bad-form = Le formulaire envoyé est incomplet ou mal formé.
error-rate-limited = Trop de tentatives en peu de temps. Réessayez un peu plus tard.
error-payload-too-large = Le contenu envoyé est trop volumineux.
error-unavailable = Le service est momentanément indisponible. Réessayez dans quelques instants.
error-internal = Une erreur inattendue s’est produite de notre côté. Réessayez plus tard.
error-conflict = Cette action entre en conflit avec une modification faite entre-temps. Rechargez la page et réessayez.

error-title-400 = Requête incorrecte
error-title-401 = Connexion nécessaire
error-title-403 = Accès refusé
error-title-404 = Page introuvable
error-title-409 = Conflit de modification
error-title-413 = Contenu trop volumineux
error-title-422 = Données non valides
error-title-429 = Trop de tentatives
error-title-500 = Erreur interne
error-title-503 = Service indisponible

## Erreurs de saisie

error-username-short = Le nom d’utilisateur doit comporter au moins 3 caractères.
error-username-long = Le nom d’utilisateur ne peut pas dépasser 32 caractères.
error-username-chars = Le nom d’utilisateur ne peut contenir que des lettres, des chiffres, _ et -.
error-username-taken = Ce nom d’utilisateur est déjà pris, ou trop proche d’un nom existant.
error-email-invalid = Cette adresse e-mail n’est pas valide.
error-email-taken = Cette adresse e-mail est déjà utilisée.
error-password-short = Le mot de passe doit comporter au moins 8 caractères.
error-password-long = Le mot de passe est trop long (1024 caractères au maximum).
error-password-common = Ce mot de passe fait partie des plus courants et se devine trop facilement. Choisissez-en un autre.
error-current-password-wrong = Le mot de passe actuel est incorrect.
error-title-short = Le titre doit comporter au moins 3 caractères.
error-title-long = Le titre ne peut pas dépasser 150 caractères.
error-body-empty = Le message ne peut pas être vide.
error-body-long = Le message est trop long (50 000 caractères au maximum).
error-markdown-too-deep = Les citations ou les listes sont trop imbriquées (32 niveaux au maximum).
error-city-unknown = Aucune ville ne correspond. Essayez son nom complet ou son identifiant, par exemple « paris ».
error-city-ambiguous = Plusieurs villes portent ce nom : choisissez-en une par son identifiant.
error-board-unknown = Ce forum n’existe pas.
error-thread-locked = Ce sujet est verrouillé : il n’est plus possible d’y répondre.
error-edit-conflict = Ce message a été modifié entre-temps. Relisez la version actuelle avant d’enregistrer la vôtre.
error-slug-invalid = L’identifiant ne peut contenir que des lettres minuscules, des chiffres et des tirets (60 caractères au maximum, sans tiret au début ni à la fin).
error-slug-taken = Cet identifiant est déjà utilisé par un autre forum.
error-name-empty = Le nom est obligatoire.
error-name-long = Le nom ne peut pas dépasser 80 caractères.
error-description-long = La description ne peut pas dépasser 500 caractères.
error-lang-invalid = Cette langue n’est pas disponible.
error-registration-honeypot = L’inscription n’a pas pu aboutir. Remplissez le formulaire vous-même, sans remplissage automatique, puis réessayez.

## Confirmations

notice-settings-saved = Vos préférences ont été enregistrées.
notice-password-changed = Votre mot de passe a été changé. Vos autres sessions ont été fermées.
notice-session-revoked = La session a été fermée.
notice-sessions-revoked = Toutes vos autres sessions ont été fermées.
notice-board-created = Le forum a été créé.
notice-board-saved = Les modifications du forum ont été enregistrées.

## Rôles et divers

role-member = Membre
role-moderator = Modération
role-admin = Administration
board-name-fallback = Forum sans nom

error-bad-cursor = Ce lien de pagination n’est pas valide. Repartez de la première page.

settings-data-heading = Vos données
settings-export-intro = Téléchargez tout ce que le forum conserve sur vous : votre compte, vos sujets, vos messages (en Markdown) et vos sessions, dans un fichier JSON.
settings-export-link = Télécharger mes données
settings-delete-heading = Supprimer mon compte
settings-delete-intro = Votre nom, votre adresse et votre mot de passe sont effacés et toutes vos sessions sont fermées. Vos messages restent visibles sous un nom anonyme, sauf si vous demandez aussi à effacer leur texte. C’est définitif.
settings-delete-erase-posts = Effacer aussi le texte de tous mes messages
settings-delete-submit = Supprimer définitivement mon compte
post-erased = Message effacé par son auteur ou son autrice.

## E-mail : vérification, mot de passe oublié, changement d’adresse
error-email-unverified = Confirmez d’abord votre adresse e-mail : suivez le lien que nous vous avons envoyé (vous pouvez le redemander depuis vos paramètres).
register-sent-title = Vérifiez votre boîte mail
register-sent-message = Nous avons envoyé un message à l’adresse indiquée. Suivez le lien qu’il contient pour confirmer votre adresse ; vous pourrez ensuite vous connecter et publier. Rien reçu au bout de quelques minutes ? Regardez dans les indésirables, ou redemandez le lien depuis la page de connexion.
register-sent-login = Aller à la page de connexion
verify-done-title = Adresse confirmée
verify-done-message = Merci : votre adresse e-mail est confirmée. Vous pouvez désormais publier.
verify-done-continue = Continuer vers les forums
verify-done-login = Se connecter
link-invalid-title = Lien invalide ou expiré
verify-invalid-message = Ce lien de confirmation n’est plus valable : il a déjà servi, a expiré ou a été remplacé par un plus récent.
verify-resend-from-login = Redemander un lien
verify-resent-title = Lien envoyé
verify-resent-message = Si ce compte existe et attend encore la confirmation de son adresse, un nouveau lien vient de lui être envoyé. Les liens précédents ne fonctionnent plus.
verify-banner = Votre adresse e-mail n’est pas encore confirmée : vous pouvez lire, mais pas encore publier.
verify-resend = Renvoyer le lien de confirmation
forgot-title = Mot de passe oublié
forgot-intro = Indiquez l’adresse e-mail de votre compte : nous y enverrons un lien pour choisir un nouveau mot de passe, valable une heure.
forgot-submit = Envoyer le lien
forgot-sent-title = Vérifiez votre boîte mail
forgot-sent-message = Si un compte utilise cette adresse, un lien pour choisir un nouveau mot de passe vient d’y être envoyé. Il est valable une heure et ne sert qu’une fois.
reset-title = Choisir un nouveau mot de passe
reset-intro = Choisissez le nouveau mot de passe de votre compte.
reset-sessions-hint = Toutes vos sessions seront fermées : vous vous reconnecterez avec ce nouveau mot de passe.
reset-submit = Enregistrer le mot de passe
reset-invalid-message = Ce lien de réinitialisation n’est plus valable : il a déjà servi, a expiré ou a été remplacé par un plus récent.
reset-ask-again = Demander un nouveau lien
reset-done-title = Mot de passe changé
reset-done-message = Votre mot de passe a été changé et toutes vos sessions ont été fermées. Connectez-vous avec le nouveau mot de passe.
email-confirm-invalid-message = Ce lien de confirmation n’est plus valable : il a déjà servi, a expiré ou a été remplacé par un plus récent.
email-confirm-taken-message = Cette adresse est maintenant utilisée par un autre compte : elle ne peut pas devenir la vôtre.
email-confirm-done-title = Adresse changée
email-confirm-done-message = Votre nouvelle adresse e-mail est confirmée. Un message a prévenu l’ancienne adresse.
notice-email-change-sent = Nous avons envoyé un lien de confirmation à la nouvelle adresse. Le changement prendra effet quand vous l’aurez suivi.
notice-notifications-saved = Vos préférences de notification ont été enregistrées.
login-forgot-link = Mot de passe oublié ?
login-resend-summary = Vous n’avez pas reçu le lien de confirmation ?
settings-email-verified = confirmée
settings-email-unverified = pas encore confirmée
settings-email-heading = Changer d’adresse e-mail
settings-email-change-hint = Nous enverrons un lien de confirmation à la nouvelle adresse et préviendrons l’ancienne.
settings-new-email-label = Nouvelle adresse e-mail
settings-email-submit = Changer d’adresse

## Notifications
nav-notifications = Notifications
nav-unread = { $count ->
    [one] { $count } notification non lue
   *[other] { $count } notifications non lues
}
nav-admin-mail = E-mails
notifications-title = Notifications
notifications-mark-all-read = Tout marquer comme lu
notifications-unread = Nouveau
notifications-empty = Aucune notification pour l’instant.
notifications-settings-hint = Choisissez ce qui vous est envoyé par e-mail dans vos paramètres :
pagination-older = Plus anciennes ›
notification-kind-reply = Réponse
notification-kind-mention = Mention
notification-kind-quote = Citation
notification-kind-new-thread = Nouveau sujet
notification-kind-watched-post = Nouveau message
settings-notifications-heading = Notifications par e-mail
settings-notifications-intro = Les notifications s’affichent toujours sur le forum. Choisissez ce qui vous est aussi envoyé par e-mail.
settings-email-direct-label = Réponses, mentions et citations
settings-email-watched-label = Forums et villes que vous suivez
settings-email-mode-immediately = Tout de suite
settings-email-mode-digest = Dans un résumé quotidien
settings-email-mode-never = Jamais
settings-notifications-submit = Enregistrer
watch-label = Notifications :
watch-submit = Changer
watch-level-thread-watching = Suivre : chaque nouveau message
watch-level-thread-normal = Normal : réponses qui me citent et mentions
watch-level-thread-muted = Silence : rien du tout
watch-level-board-watching = Suivre : chaque nouveau message de ce forum
watch-level-board-normal = Normal : seulement ce qui me concerne
watch-level-board-muted = Silence : rien de ce forum
watch-level-city-watching = Suivre : chaque nouveau message sur cette ville
watch-level-city-normal = Normal : seulement ce qui me concerne
watch-level-city-muted = Silence : rien sur cette ville
watch-current-watching = Suivi
watch-current-normal = Normal
watch-current-muted = Silence
post-quote = Citer
quote-intro = [@{ $author }]({ $link }) a écrit :
reply-needs-verification = Confirmez votre adresse e-mail pour pouvoir répondre.
unsubscribe-title = Se désabonner
unsubscribe-confirm = Ne plus recevoir par e-mail : { $list } ?
unsubscribe-submit = Me désabonner
unsubscribe-done = C’est fait : vous ne recevrez plus par e-mail : { $list }.
unsubscribe-settings-hint = Vous pouvez changer d’avis à tout moment dans vos paramètres :
unsubscribe-list-direct = les réponses, mentions et citations
unsubscribe-list-watched = les nouveaux messages des forums et villes suivis
unsubscribe-list-digest = le résumé quotidien

## Administration des e-mails
admin-mail-title = Envois d’e-mails
admin-mail-transport = Transport configuré : { $transport }.
admin-mail-pending = En attente
admin-mail-failed = En échec
admin-mail-sent = Envoyés (récents)
admin-mail-fanout = Messages à notifier
admin-mail-bodies = Textes de mail stockés (un par message, partagé par ses destinataires)
admin-mail-retry = Réessayer les envois en échec
admin-mail-retried = { $count ->
    [one] { $count } e-mail remis en file d’attente.
   *[other] { $count } e-mails remis en file d’attente.
}
admin-mail-problems = Envois en difficulté
admin-mail-no-problems = Aucun envoi en difficulté.
admin-mail-col-kind = Type
admin-mail-col-recipient = Destinataire
admin-mail-col-status = État
admin-mail-col-attempts = Tentatives
admin-mail-col-error = Dernière erreur
admin-mail-col-next = Prochain essai

## Modération : sanctions, notes, journal
error-silenced = Un modérateur ou une modératrice a mis votre compte en lecture seule : vous ne pouvez pas publier pour l’instant. Le motif est indiqué dans vos paramètres.
error-account-suspended = Ce compte est suspendu jusqu’au { $until }. Motif : { $reason }
error-account-banned = Ce compte est banni. Motif : { $reason }
error-account-suspended-short = Ce compte est suspendu.
error-account-banned-short = Ce compte est banni.
error-sanction-kind = Choisissez une sanction : avertissement, lecture seule, suspension ou bannissement.
error-reason-required = Indiquez un motif : la personne le verra.
error-reason-too-long = Le texte ne peut pas dépasser 1 000 caractères.
error-until-required = Indiquez jusqu’à quelle date.
error-until-invalid = Cette date n’est pas valide (format AAAA-MM-JJ).
error-until-past = Cette date est déjà passée : choisissez une date à venir.
error-note-required = La note est vide.
sanction-kind-warn = Avertissement
sanction-kind-silence = Lecture seule
sanction-kind-suspend = Suspension
sanction-kind-ban = Bannissement
notice-sanction-applied = La sanction est appliquée ; les sessions de la personne ont été fermées (sauf pour un avertissement).
notice-sanctions-lifted = Les sanctions en cours ont été levées.
notice-note-added = La note a été ajoutée.
modlog-action-warn = Avertissement
modlog-action-silence = Lecture seule
modlog-action-suspend = Suspension
modlog-action-ban = Bannissement
modlog-action-lift = Levée des sanctions
modlog-action-note = Note de modération
mod-avatar-heading = Image de profil
mod-avatar-alt = L’image envoyée par { $name }
mod-avatar-reason = Motif (affiché dans le journal de modération)
mod-avatar-remove = Retirer l’image
mod-avatar-none = Aucune image envoyée : l’avatar dessiné est affiché.
notice-mod-avatar-removed = L’image a été retirée ; l’avatar dessiné est affiché à la place.
notice-mod-no-avatar = Il n’y avait pas d’image à retirer.
modlog-action-remove_avatar = Image de profil retirée
mod-person-title = Modération : { $username }
mod-history-heading = Sanctions et avertissements
mod-history-empty = Aucune sanction ni avertissement.
mod-active = en cours
mod-lifted = levée le
mod-until = jusqu’au
mod-lift-reason-label = Motif de la levée (facultatif)
mod-lift-submit = Lever les sanctions en cours
mod-sanction-heading = Sanctionner
mod-sanction-kind-label = Sanction
mod-sanction-until-label = Jusqu’au
mod-sanction-until-hint = Pour la lecture seule et la suspension. Un avertissement n’a pas de date, un bannissement pas de fin.
mod-sanction-reason-label = Motif
mod-sanction-reason-hint = La personne verra ce motif.
mod-sanction-submit = Appliquer
mod-notes-heading = Notes de l’équipe de modération
mod-notes-intro = Visibles seulement par l’équipe de modération.
mod-notes-empty = Aucune note.
mod-note-label = Nouvelle note
mod-note-submit = Ajouter la note
profile-moderate-link = Modérer ce compte
nav-modlog = Modération
modlog-title = Journal de modération
modlog-public-title = Transparence de la modération
modlog-staff-intro = Toutes les actions de l’équipe de modération, avec leurs auteurs et leurs motifs.
modlog-public-intro = Les décisions de modération de ce forum, sans le nom des personnes qui les ont prises ni le contenu masqué.
modlog-col-when = Date
modlog-col-moderator = Par
modlog-col-action = Action
modlog-col-target = Concerne
modlog-col-until = Jusqu’au
modlog-col-reason = Motif
modlog-empty = Aucune action de modération pour l’instant.
silenced-banner = Votre compte est en lecture seule : vous pouvez lire, pas publier.
settings-moderation-heading = Messages de l’équipe de modération
settings-moderation-intro = Les avertissements et sanctions qui vous concernent, avec leur motif.
error-slow-mode = Ce sujet est en mode lent : attendez un peu avant de publier à nouveau.
error-moderation-action = Action de modération inconnue.
error-slow-mode-minutes = Indiquez un nombre de minutes entre 0 (désactivé) et 1 440.
thread-slow-mode-notice = Mode lent : un message par personne toutes les { $minutes } minutes.
thread-pinned-until = Épinglé jusqu’au
mod-tools-summary = Outils de modération
mod-lock = Verrouiller
mod-unlock = Déverrouiller
mod-pin = Épingler
mod-unpin = Désépingler
mod-pin-until-label = Épingler jusqu’au (facultatif)
mod-move-label = Déplacer vers le forum
mod-move = Déplacer
mod-rename-label = Nouveau titre
mod-rename = Renommer
mod-city-label = Ville (vide pour aucune)
mod-city = Changer de ville
mod-slow-label = Mode lent : minutes entre deux messages d’une même personne (0 pour désactiver)
mod-slow = Appliquer
modlog-action-lock = Sujet verrouillé
modlog-action-unlock = Sujet déverrouillé
modlog-action-pin = Sujet épinglé
modlog-action-unpin = Sujet désépinglé
modlog-action-move = Sujet déplacé
modlog-action-rename = Sujet renommé
modlog-action-city = Ville du sujet changée
modlog-action-slow_mode = Mode lent
post-deleted-by-staff = Message supprimé par l’équipe de modération.
post-hidden-placeholder = Message masqué par l’équipe de modération.
post-hidden-notice = Message masqué : seuls son auteur ou son autrice et l’équipe de modération le voient
thread-hidden-notice = Sujet masqué : seuls son auteur ou son autrice et l’équipe de modération le voient
post-history-link = Historique
post-history-title = Historique du message n° { $number }
post-history-intro = Les versions précédentes, de la plus récente à la plus ancienne. Visible par l’équipe de modération seulement.
post-history-version = Version { $version }
post-history-empty = Ce message n’a pas de version précédente.
post-history-back = Revenir au message
mod-hide = Masquer
mod-restore = Rétablir
mod-hide-reason-label = Motif du masquage
mod-delete = Supprimer définitivement
mod-delete-reason-label = Motif de la suppression
mod-hide-thread = Masquer le sujet
mod-restore-thread = Rétablir le sujet
modlog-action-hide = Sujet masqué
modlog-action-restore = Sujet rétabli
modlog-action-hide_post = Message masqué
modlog-action-restore_post = Message rétabli
modlog-action-delete_post = Message supprimé

## Gouvernance : réglages du site, inscriptions, limites
error-setting-unknown = Ce réglage n’existe pas.
error-setting-required = Ce champ est obligatoire.
error-setting-too-long = Ce texte est trop long.
error-setting-number = Indiquez un nombre entier positif dans les limites indiquées.
error-setting-flag = Indiquez oui ou non.
error-setting-language = Choisissez « fr » ou « en ».
error-setting-mode = Choisissez un mode d’inscription de la liste.
error-new-account-links = Les comptes récents ne peuvent pas mettre autant de liens dans un message. Retirez-en quelques-uns, ou attendez quelques jours.
error-new-account-mentions = Les comptes récents ne peuvent pas mentionner autant de personnes dans un message.
error-posting-rate = Vous avez atteint la limite de { $per_hour } messages par heure. Réessayez dans { $minutes } min ; votre texte est conservé.
error-registration-closed = Les inscriptions sont fermées pour le moment.
error-invite-required = Les inscriptions se font sur invitation : utilisez le lien qu’on vous a transmis.
error-invite-invalid = Ce lien d’invitation n’est plus valable (expiré, révoqué ou déjà utilisé autant de fois que prévu).
error-answer-required = Répondez à la question : les administrateurs lisent chaque demande.
error-answer-too-long = Votre réponse est trop longue (2 000 caractères au plus).
error-application-pending = Votre demande d’inscription attend encore la décision d’un administrateur. Vous recevrez un courriel.
error-invite-uses = Indiquez un nombre d’utilisations entre 1 et 1 000.
error-invite-days = Indiquez une durée entre 1 et 365 jours.
error-invite-note = La note est trop longue (200 caractères au plus).
register-closed = Les inscriptions sont fermées pour le moment.
register-invite-only = Les inscriptions se font uniquement sur invitation. Si un collectif vous a invité, utilisez le lien qu’il vous a transmis.
register-invite-bad = Ce lien d’invitation n’est plus valable.
register-invited = Vous avez été invité : créez votre compte ci-dessous.
register-approval-intro = Les inscriptions sont validées par les administrateurs : répondez à leur question, ils vous écriront.
register-answer-hint = Votre réponse n’est lue que par les administrateurs.
register-sent-approval-message = Nous avons envoyé un message à l’adresse indiquée : suivez le lien pour la confirmer. Votre demande sera ensuite examinée par les administrateurs, qui vous répondront par courriel.
register-pending-title = Demande envoyée
register-pending-message = Votre demande d’inscription a bien été reçue. Les administrateurs l’examineront et vous répondront par courriel.

## Gouvernance : pages d’administration, signalements
nav-reports = Signalements
post-report = Signaler
post-report-label = Signaler le message n° { $number }
admin-nav-label = Pages d’administration
admin-nav-boards = Forums
admin-nav-settings = Réglages du site
admin-nav-users = Équipe et rôles
admin-nav-applications = Demandes d’inscription
admin-nav-invites = Invitations
admin-nav-mail = E-mails

admin-settings-title = Réglages du site
admin-settings-intro = Ces réglages s’appliquent dès qu’ils sont enregistrés, et chaque modification est inscrite au journal de modération.
admin-settings-saved = Les réglages ont été enregistrés.
admin-settings-has-errors = Rien n’a été enregistré : corrigez les champs signalés ci-dessous, puis enregistrez à nouveau.
admin-settings-site-legend = Le site
admin-settings-site-name = Nom du site
admin-settings-site-name-hint = Affiché en haut de chaque page, dans le titre des pages et dans les e-mails (80 caractères au plus).
admin-settings-description = Description
admin-settings-description-hint = Une ou deux phrases sous le titre de la page d’accueil (500 caractères au plus). Montrée en français, et en anglais tant qu’aucune description anglaise n’est donnée.
admin-settings-description-en = Description en anglais (facultative)
admin-settings-description-en-hint = Montrée aux personnes qui lisent le forum en anglais. Laissez vide pour afficher la description en français.
admin-settings-default-language = Langue par défaut
admin-settings-default-language-hint = Pour les personnes qui n’ont pas choisi de langue et dont le navigateur ne demande ni le français ni l’anglais.
admin-settings-registration-legend = Inscriptions
admin-settings-mode = Qui peut créer un compte ?
admin-settings-mode-open = Ouvertes à tous
admin-settings-mode-approval = Sur validation
admin-settings-mode-invite = Sur invitation
admin-settings-mode-closed = Fermées
admin-settings-mode-open-hint = Toute personne peut créer un compte.
admin-settings-mode-approval-hint = Les personnes répondent à la question ci-dessous ; un administrateur ou une administratrice accepte ou refuse chaque demande sur la page « Demandes d’inscription ». Les liens d’invitation restent valables.
admin-settings-mode-invite-hint = Seules les personnes qui ont un lien d’invitation peuvent s’inscrire. Créez les liens sur la page « Invitations ».
admin-settings-mode-closed-hint = Personne ne peut s’inscrire, même avec une invitation. Les comptes existants ne changent pas.
admin-settings-question = Question posée aux personnes qui demandent à s’inscrire
admin-settings-question-hint = Posée en mode « Sur validation » (500 caractères au plus), par exemple : « Quel collectif vous a parlé de ce forum ? ». Ne la laissez pas vide dans ce mode.
admin-settings-limits-legend = Nouveaux comptes et limites de publication
admin-settings-limits-intro = Aucune de ces limites ne s’applique à l’équipe (administration, modération, modération d’un forum).
admin-settings-new-account-days = Durée pendant laquelle un compte est « nouveau » (en jours)
admin-settings-new-account-days-hint = Pendant ces jours, les limites des nouveaux comptes s’appliquent et leurs signalements ne masquent aucun message automatiquement. 0 désactive les limites propres aux nouveaux comptes (365 au plus).
admin-settings-new-account-posts = Messages par heure pour un nouveau compte
admin-settings-new-account-posts-hint = 0 : pas de limite propre aux nouveaux comptes (celle de tous les membres s’applique quand même).
admin-settings-new-account-links = Liens par message pour un nouveau compte
admin-settings-new-account-links-hint = 0 interdit tout lien aux nouveaux comptes. Pour ne pas les limiter, indiquez un grand nombre (1 000 au plus).
admin-settings-new-account-mentions = Mentions (@nom) par message pour un nouveau compte
admin-settings-new-account-mentions-hint = 0 interdit les mentions aux nouveaux comptes. Pour ne pas les limiter, indiquez un grand nombre (1 000 au plus).
admin-settings-member-posts = Messages par heure pour tous les membres
admin-settings-member-posts-hint = 0 : pas de limite. Quand les deux limites s’appliquent à un nouveau compte, la plus basse l’emporte.
admin-settings-reports-legend = Signalements et transparence
admin-settings-auto-hide = Signalements qui masquent un message en attendant l’équipe de modération
admin-settings-auto-hide-hint = Nombre de membres de confiance différents (compte qui n’est plus nouveau, adresse confirmée, pas en lecture seule) dont les signalements suffisent à masquer un message jusqu’à son examen. 0 : jamais.
admin-settings-public-modlog = Rendre public le journal de modération
admin-settings-public-modlog-hint = Tout le monde, même sans compte, peut alors lire la page « Transparence de la modération » : les décisions, sans le nom des personnes qui les ont prises, sans les motifs ni le contenu masqué.
admin-settings-submit = Enregistrer les réglages

admin-applications-title = Demandes d’inscription
admin-applications-intro = Ces personnes attendent une décision, la plus ancienne demande en premier. Elles reçoivent un e-mail dans les deux cas.
admin-applications-not-approval = Les inscriptions ne sont pas en mode « Sur validation » : aucune nouvelle demande n’arrivera. Vous pouvez encore décider des demandes en attente.
admin-applications-email = Adresse e-mail
admin-applications-date = Demande envoyée le
admin-applications-answer = Réponse à la question
admin-applications-reason-label = Message à la personne (facultatif)
admin-applications-reason-hint = Ajouté à l’e-mail qui lui annonce votre décision, et inscrit au journal de modération.
admin-applications-approve = Accepter
admin-applications-reject = Refuser
admin-applications-reject-hint = Refuser supprime le compte en attente et ses données ; la personne en est avertie par e-mail.
admin-applications-empty = Aucune demande en attente.

admin-invites-title = Invitations
admin-invites-intro = Un lien d’invitation permet de créer un compte quand les inscriptions se font sur invitation, et sans attendre de validation quand elles se font sur validation.
admin-invites-mode-closed = Les inscriptions sont fermées : les liens d’invitation ne fonctionnent pas tant qu’elles le restent.
admin-invites-mode-open = Les inscriptions sont ouvertes à tous : personne n’a besoin d’invitation pour le moment.
admin-invites-mode-approval = Les inscriptions sont sur validation : une personne invitée n’attend pas votre accord.
admin-invites-created = Le lien d’invitation est prêt. Copiez-le maintenant et transmettez-le aux personnes que vous invitez.
admin-invites-created-label = Lien d’invitation
admin-invites-created-once = Il ne sera plus jamais affiché : le forum n’en garde qu’une empreinte. Si vous le perdez, révoquez cette invitation et créez-en une autre.
admin-invites-new-heading = Nouvelle invitation
admin-invites-max-uses = Nombre d’utilisations
admin-invites-max-uses-hint = Combien de comptes ce lien peut créer, de 1 à 1 000.
admin-invites-days = Validité (en jours)
admin-invites-days-hint = De 1 à 365 jours.
admin-invites-note = Note (facultative)
admin-invites-note-hint = Pour vous y retrouver, par exemple le collectif invité (200 caractères au plus). Seule l’équipe la voit, ici et dans le journal de modération.
admin-invites-submit = Créer le lien d’invitation
admin-invites-list-heading = Invitations récentes
admin-invites-col-note = Note
admin-invites-col-created = Créée le
admin-invites-col-uses = Utilisations
admin-invites-col-expires = Expire le
admin-invites-col-status = État
admin-invites-by = par { $username }
admin-invites-status-active = Valable
admin-invites-status-revoked = Révoquée le
admin-invites-status-used-up = Épuisée
admin-invites-status-expired = Expirée
admin-invites-revoke = Révoquer
admin-invites-revoke-label = Révoquer l’invitation « { $note } »
admin-invites-revoke-label-id = Révoquer l’invitation n° { $id }
admin-invites-empty = Aucune invitation pour l’instant.

admin-users-title = Équipe et rôles
admin-users-intro = L’administration a tous les droits, la modération agit sur tous les forums, et un membre peut modérer certains forums seulement.
admin-users-done = La modification a été enregistrée.
admin-users-search-label = Trouver un compte par son nom d’utilisateur
admin-users-search-submit = Chercher
admin-users-not-found = Aucun compte ne s’appelle « { $username } ».
admin-users-current-role = Rôle actuel :
admin-users-profile-link = Profil
admin-users-role-heading = Rôle
admin-users-role-self = Vous ne pouvez pas changer votre propre rôle : demandez-le à un autre membre de l’administration.
admin-users-role-label = Nouveau rôle
admin-users-role-hint = Membre : aucun droit particulier. Modération : masquer, verrouiller, déplacer et sanctionner sur tous les forums. Administration : en plus, les réglages du site, les forums, les inscriptions et les rôles.
admin-users-role-submit = Changer le rôle
admin-users-boards-heading = Modération des forums
admin-users-boards-intro = Un membre peut modérer certains forums seulement : il y dispose des outils de modération et y traite les signalements.
admin-users-boards-staff = Le rôle de ce compte couvre déjà tous les forums ; les forums choisis ici ne comptent que s’il redevient simple membre.
admin-users-col-moderates = Modère ce forum
admin-users-moderates-yes = Oui
admin-users-moderates-no = Non
admin-users-board-add = Ajouter
admin-users-board-add-label = Ajouter { $username } à la modération du forum « { $board } »
admin-users-board-remove = Retirer
admin-users-board-remove-label = Retirer { $username } de la modération du forum « { $board } »
admin-users-staff-heading = L’équipe actuelle
admin-users-col-role = Rôle
admin-users-col-boards = Forums modérés
admin-users-all-boards = Tous les forums
admin-users-manage = Gérer
admin-users-manage-label = Gérer le rôle du compte { $username }
admin-users-moderate = Modérer
admin-users-moderate-label = Modérer le compte { $username }
admin-users-staff-empty = Personne dans l’équipe pour l’instant.

report-title = Signaler le message n° { $number }
report-heading = Signaler un message
report-subtitle = Message n° { $number } du sujet « { $title } »
report-intro = Seule l’équipe de modération saura que vous avez signalé ce message. Elle l’examinera au plus vite ; un e-mail vous dira quand ce sera fait, si vos réglages de notification le permettent.
report-reason-legend = Pourquoi signalez-vous ce message ?
report-reason-spam = Spam ou publicité
report-reason-abuse = Harcèlement, insultes ou propos haineux
report-reason-off_topic = Hors sujet
report-reason-illegal = Contenu illégal
report-reason-other = Autre raison (à préciser)
report-text-label = Précisions (facultatives, sauf pour « Autre raison »)
report-text-hint = Ce qui pose problème, en 1 000 caractères au plus. Seule l’équipe de modération les lira.
report-submit = Envoyer le signalement
report-back-to-post = Revenir au message
report-sent-title = Signalement envoyé
report-sent-message = Merci : l’équipe de modération va examiner ce message.
error-report-duplicate = Vous avez déjà signalé ce message ; l’équipe de modération ne l’a pas encore examiné.
error-report-own = Vous ne pouvez pas signaler vos propres messages.
error-report-reason = Choisissez la raison du signalement.
error-report-text-required = Avec « Autre raison », expliquez ce qui pose problème.
error-report-too-long = Les précisions ne peuvent pas dépasser 1 000 caractères.
error-board-role-action = Choisissez d’ajouter ou de retirer la modération de ce forum.
error-decision = Choisissez d’accepter ou de refuser la demande.
error-role = Choisissez un rôle : membre, modération ou administration.
error-role-self = Vous ne pouvez pas changer votre propre rôle.

mod-reports-title = Signalements en attente
mod-reports-intro = Les messages signalés, le plus ancien signalement en premier. Traiter un message clôt tous ses signalements ; chaque personne qui l’a signalé en est avertie par e-mail.
mod-reports-done = Les signalements ont été traités.
mod-reports-empty = Aucun signalement en attente.
mod-reports-post = Message n° { $number } — { $title }
mod-reports-by = Par
mod-reports-author-link = Sanctions et notes du compte { $username }
mod-reports-auto-hidden = Ce message a été masqué automatiquement à la suite des signalements. « Classer sans suite » le rétablit.
mod-reports-hidden = Ce message est déjà masqué.
mod-reports-reports-heading =
    { $count ->
        [one] { $count } signalement
       *[other] { $count } signalements
    }
mod-reports-reason-count = { $reason } : { $count }
mod-reports-first = premier signalement le
mod-reports-form-label = Traiter les signalements du message n° { $number } — { $title }
mod-reports-reason-label = Motif
mod-reports-reason-hint = Obligatoire pour masquer ou sanctionner (facultative pour classer) : l’auteur la voit avec le message masqué, la personne sanctionnée aussi. Inscrite au journal de modération.
mod-reports-sanction-legend = Sanction de l’auteur ou de l’autrice
mod-reports-sanction-hint = Cette sanction ne s’applique qu’avec le bouton « Masquer et sanctionner l’auteur ou l’autrice ».
mod-reports-hide = Masquer le message
mod-reports-dismiss = Classer sans suite
mod-reports-dismiss-hint = « Classer sans suite » clôt les signalements sans rien changer, sauf pour un message masqué automatiquement par les signalements : il est rétabli.
mod-reports-sanction = Masquer et sanctionner l’auteur ou l’autrice

modlog-action-settings = Réglages du site modifiés
modlog-action-invite = Invitation créée
modlog-action-revoke_invite = Invitation révoquée
modlog-action-approve = Inscription acceptée
modlog-action-reject = Inscription refusée
modlog-action-role = Rôle changé
modlog-action-add_board_moderator = Modération d’un forum confiée
modlog-action-remove_board_moderator = Modération d’un forum retirée
modlog-action-auto_hide_post = Message masqué par les signalements
modlog-action-resolve_reports_hidden = Signalements traités : message masqué
modlog-action-resolve_reports_dismissed = Signalements classés sans suite
modlog-action-resolve_reports_sanctioned = Signalements traités : message masqué et sanction
post-hidden-by-reports = masqué automatiquement après plusieurs signalements, en attendant l’examen d’un modérateur
error-setting-question-required = Le mode « sur validation » demande une question à laquelle les candidats répondent.

## Manifeste (page publique, signature, confirmation)

nav-manifesto = Manifeste
manifesto-title = Manifeste
manifesto-staff-pending =
    { $count ->
        [one] Une organisation attend une vérification avant d’être publiée.
       *[other] { $count } organisations attendent une vérification avant d’être publiées.
    }
manifesto-staff-none = Aucune organisation n’attend de vérification.
manifesto-admin-edit = Modifier le texte du manifeste
manifesto-signatories-heading = Signataires
manifesto-people-count =
    { $count ->
        [0] Aucune personne n’a encore signé ce manifeste.
        [one] Une personne a signé ce manifeste.
       *[other] { $count } personnes ont signé ce manifeste.
    }
manifesto-sign-heading = Signer le manifeste
manifesto-sign-intro = Une seule signature par adresse e-mail. Nous vous envoyons un lien pour confirmer votre signature ; votre adresse n’est jamais publiée ni utilisée à d’autres fins.
manifesto-kind-legend = Vous signez
manifesto-kind-person = En votre nom
manifesto-kind-person-hint = Votre signature s’ajoute au nombre de signataires ; votre nom n’est pas publié.
manifesto-kind-organisation = Au nom d’une organisation
manifesto-kind-organisation-hint = Association, collectif, syndicat, média… Son nom figurera dans la liste publique une fois la signature vérifiée par l’équipe de modération.
manifesto-field-name = Nom
manifesto-name-hint = Le nom de l’organisation, ou votre nom ou pseudonyme (120 caractères au plus).
manifesto-field-website = Site web de l’organisation (facultatif)
manifesto-website-hint = Organisations seulement : une adresse en http:// ou https://, vers laquelle renverra le nom de l’organisation.
manifesto-field-city = Ville (facultatif)
manifesto-city-hint = Personnes seulement : la ville où vous vivez, si vous le souhaitez. Elle n’est pas publiée.
manifesto-field-email = Adresse e-mail
manifesto-email-hint = Jamais publiée : elle sert uniquement à confirmer votre signature.
manifesto-submit = Signer le manifeste
manifesto-organisations-heading = Organisations signataires
manifesto-organisations-empty = Aucune organisation n’a encore été publiée.
manifesto-sent-title = Vérifiez votre boîte mail
manifesto-sent-message = Un e-mail vient d’être envoyé à l’adresse indiquée. Suivez ses instructions pour confirmer votre signature : le lien qu’il contient est valable 7 jours. Sans confirmation, la signature n’est pas comptée.
manifesto-back = Retour au manifeste
manifesto-confirmed-title = Signature confirmée
manifesto-confirmed-person = Merci ! Votre signature est confirmée et s’ajoute au nombre des signataires.
manifesto-confirmed-organisation = Merci ! La signature de votre organisation est confirmée. Elle apparaîtra dans la liste publique dès que l’équipe de modération l’aura vérifiée.
manifesto-link-invalid-message = Ce lien de confirmation n’est pas valable : il a déjà servi, a été remplacé par un plus récent ou n’a jamais existé. Si vous avez déjà confirmé votre signature, elle est bien enregistrée.
manifesto-link-expired-title = Lien expiré
manifesto-link-expired-message = Ce lien de confirmation a expiré : il n’était valable que 7 jours. Signez à nouveau pour en recevoir un nouveau.
manifesto-sign-again = Signer à nouveau
error-manifesto-kind = Indiquez si vous signez en votre nom ou au nom d’une organisation.
error-manifesto-name-required = Indiquez un nom.
error-manifesto-name-too-long = Ce nom est trop long (120 caractères au plus).
error-manifesto-website-invalid = Cette adresse n’est pas valide : indiquez l’adresse d’un site web, commençant par http:// ou https://.
error-manifesto-website-too-long = Cette adresse est trop longue (300 caractères au plus).
error-manifesto-city-too-long = Ce nom de ville est trop long (80 caractères au plus).
error-manifesto-honeypot = La signature n’a pas pu être enregistrée. Remplissez le formulaire vous-même, sans remplissage automatique, puis réessayez.
error-manifesto-text-required = Le texte en français ne peut pas être vide.
error-manifesto-text-too-long = Ce texte est trop long (20 000 caractères au plus).
error-manifesto-decision = Choisissez de publier ou de refuser cette signature.

## Manifeste (administration et modération)

admin-manifesto-title = Texte du manifeste
admin-manifesto-intro = Le texte s’écrit en Markdown. Dès l’enregistrement, tous les visiteurs voient la nouvelle version. Chaque modification est inscrite au journal de modération.
admin-manifesto-view = Voir la page du manifeste
admin-manifesto-moderation-link = Organisations signataires à vérifier
admin-manifesto-text-fr = Texte en français
admin-manifesto-text-fr-hint = Obligatoire, 20 000 caractères au plus. Markdown : « # Titre », « ## Intertitre », listes commençant par « - », **gras**, [lien](https://exemple.org).
admin-manifesto-text-en = Texte en anglais
admin-manifesto-text-en-hint = Facultatif : laissé vide, la page en anglais affiche le texte français.
admin-manifesto-save = Enregistrer le texte
admin-manifesto-saved = Le texte du manifeste est enregistré.
mod-manifesto-title = Organisations signataires du manifeste
mod-manifesto-intro = Une organisation qui a confirmé sa signature n’apparaît sur la page du manifeste qu’après votre vérification : assurez-vous qu’elle existe et que le site indiqué est bien le sien. L’adresse e-mail n’est visible que de l’équipe.
mod-manifesto-page-link = Voir la page du manifeste
mod-manifesto-pending-heading = En attente de vérification
mod-manifesto-pending-empty = Aucune organisation n’attend de vérification.
mod-manifesto-approved-heading = Publiées
mod-manifesto-approved-empty = Aucune organisation n’est publiée pour l’instant.
mod-manifesto-website = Site web
mod-manifesto-no-website = aucun
mod-manifesto-email = Adresse de contact
mod-manifesto-confirmed-at = Signature confirmée le
mod-manifesto-approved-at = publiée le
mod-manifesto-approve = Publier
mod-manifesto-reject = Refuser
mod-manifesto-reject-hint = Refuser supprime la signature ; l’organisation n’en est pas avertie.
mod-manifesto-remove = Retirer
mod-manifesto-remove-label = Retirer { $name } de la liste (la signature est supprimée)
mod-manifesto-done-approve = L’organisation figure désormais sur la page du manifeste.
mod-manifesto-done-reject = La signature a été supprimée.
modlog-action-manifesto_text = Texte du manifeste modifié
modlog-action-manifesto_approve = Signature d’organisation publiée
modlog-action-manifesto_reject = Signature d’organisation supprimée
error-setting-url = Indiquez une adresse web complète (http:// ou https://).

## Observatoire : erreurs
error-review-decision = Choisissez de publier ou de refuser la proposition.
error-deployment-required = Ce champ est obligatoire.
error-deployment-too-long = Ce texte est trop long.
error-deployment-status = Choisissez un statut de la liste.
error-deployment-date = Indiquez une date réelle, au mois (AAAA-MM) ou au jour (AAAA-MM-JJ).
error-deployment-end-before-start = La fin ne peut pas précéder le début.
error-deployment-too-many = Il y en a trop pour un seul déploiement.
error-deployment-source-url = Chaque source a une adresse web complète (http:// ou https://).
error-deployment-source-date = La date d’une source est au mois (AAAA-MM) ou au jour (AAAA-MM-JJ).
error-deployment-technology = Choisissez une technologie du catalogue.
error-deployment-source-required = Un déploiement ne peut pas être publié sans au moins une source.

## Observatoire de la surveillance urbaine

nav-observatory = Observatoire
observatory-title = Observatoire de la surveillance urbaine
observatory-intro = Un inventaire sourcé et collaboratif des dispositifs de surveillance déployés dans les villes de France, de Belgique, de Suisse et du Luxembourg : vidéosurveillance algorithmique, reconnaissance faciale, capteurs sonores, drones… Chaque fiche cite ses sources et chaque modification est relue avant publication.
observatory-propose = Proposer un déploiement
observatory-proposals = Propositions en attente
observatory-login-to-propose = Se connecter pour proposer un déploiement
observatory-back = Retour à l’observatoire
observatory-author-unknown = compte supprimé
observatory-summary-heading = L’observatoire en chiffres
observatory-summary-total =
    { $count ->
        [0] Aucun déploiement n’est encore publié.
        [one] Un déploiement publié.
       *[other] { $count } déploiements publiés.
    }
observatory-by-technology = Déploiements publiés par technologie
observatory-by-status = Déploiements publiés par statut
observatory-count-heading = Déploiements
observatory-count-link =
    { $count ->
        [one] Voir le déploiement : { $name }
       *[other] Voir les { $count } déploiements : { $name }
    }
observatory-filters-heading = Filtrer les déploiements
observatory-filter-all = Tous
observatory-filter-country = Pays
observatory-filter-region = Région ou canton
observatory-filter-city-hint = L’identifiant de la ville, par exemple « nice ».
observatory-filter-submit = Filtrer
observatory-filter-reset = Retirer les filtres
observatory-sort-label = Trier par
observatory-sort-updated = Dernière mise à jour
observatory-sort-city = Ville
observatory-sort-technology = Technologie
observatory-sort-status = Statut (du plus avancé au moins avancé)
observatory-sort-started = Date de début (les plus récents d’abord)
country-fr = France
country-be = Belgique
country-ch = Suisse
country-lu = Luxembourg
observatory-map-title = Carte des déploiements
observatory-map-description =
    Carte de la France, de la Belgique, de la Suisse et du Luxembourg : { $count ->
        [0] aucune ville n’a de déploiement publié correspondant.
        [one] une ville a des déploiements publiés, marquée d’un cercle dont la taille suit leur nombre et la couleur le statut le plus avancé.
       *[other] { $count } villes ont des déploiements publiés, chacune marquée d’un cercle dont la taille suit leur nombre et la couleur le statut le plus avancé.
    }
observatory-map-mark =
    { $city } — { $count ->
        [one] un déploiement
       *[other] { $count } déploiements
    } (statut le plus avancé : { $status })
observatory-map-full = Afficher la carte en grand
observatory-map-list-link = Liste des villes de la carte
observatory-map-intro = Chaque repère est une ville : sa taille suit le nombre de déploiements publiés, sa forme et sa couleur le statut le plus avancé (voir la légende). Cliquez sur un repère pour ouvrir la page de la ville. La liste sous la carte donne les mêmes informations.
observatory-map-filtered = Cette carte ne montre que les déploiements correspondant aux filtres choisis.
observatory-map-back = Retour à la liste des déploiements
observatory-map-svg = Télécharger la carte (SVG)
observatory-cities-heading = Villes concernées
observatory-cities-status = Statut le plus avancé
observatory-cities-empty = Aucune ville à afficher.
observatory-list-heading = Déploiements
observatory-shown =
    { $shown ->
        [0] Aucun déploiement publié.
        [one] Un déploiement publié.
       *[other] { $shown } déploiements publiés.
    }
observatory-shown-filtered =
    { $shown ->
        [0] Aucun déploiement ne correspond
        [one] Un déploiement correspond
       *[other] { $shown } déploiements correspondent
    } aux filtres, sur { $total ->
        [0] aucun déploiement publié
        [one] un seul déploiement publié
       *[other] { $total } déploiements publiés
    }.
observatory-list-empty = Aucun déploiement n’est encore publié. Proposez le premier !
observatory-list-empty-filtered = Aucun déploiement publié ne correspond à ces filtres.
observatory-data-heading = Données ouvertes
observatory-data-intro = Toutes les données publiées de l’observatoire peuvent être téléchargées et réutilisées :
observatory-data-intro-filtered = Les données correspondant aux filtres choisis peuvent être téléchargées et réutilisées :
observatory-export-csv = Tableur (CSV)
observatory-export-geojson = Données géographiques (GeoJSON)
observatory-export-atom = Fil d’actualité des mises à jour (Atom)
observatory-licence = Données publiées sous licence
observatory-export-title = Observatoire de la surveillance urbaine — { $site }
observatory-export-attribution = Données des villes : GeoNames, geonames.org (CC BY 4.0). Contours des pays : Natural Earth, naturalearthdata.com (domaine public).
observatory-done-proposed = Merci ! Votre proposition est enregistrée. Elle sera publiée après relecture par l’équipe de documentation ; d’ici là, elle n’est visible que de vous et de l’équipe.
observatory-done-proposed-duplicate = Votre proposition est enregistrée, mais un déploiement publié semble identique (même ville, même technologie, même titre). Vérifiez-le avant la relecture : s’il s’agit du même, proposez plutôt une modification de la fiche existante.
observatory-done-edit-proposed = Merci ! Votre modification est enregistrée ; elle sera publiée après relecture.
observatory-done-published = La proposition est publiée.
observatory-done-rejected = La proposition est refusée ; la personne qui l’a faite voit le motif dans l’historique.

## Observatoire : fiche d’un déploiement

deployment-status-announced = annoncé
deployment-status-trial = en expérimentation
deployment-status-deployed = déployé
deployment-status-suspended = suspendu
deployment-status-abandoned = abandonné
deployment-status-ruled_unlawful = jugé illégal
deployment-field-title = Titre
deployment-field-technology = Technologie
deployment-field-city = Ville
deployment-field-status = Statut
deployment-field-started = Début
deployment-field-ended = Fin
deployment-field-companies = Entreprises
deployment-field-funding = Financement
deployment-field-description = Description
deployment-field-sources = Sources
deployment-period-heading = Période
deployment-period = { $started } – { $ended }
deployment-since = depuis { $started }
deployment-none-known = non renseigné
deployment-updated = Dernière mise à jour
deployment-unpublished = Ce déploiement n’est pas encore publié : seules la personne qui l’a proposé et l’équipe de documentation le voient.
deployment-sources-empty = Aucune source pour l’instant : un déploiement ne peut pas être publié sans au moins une source.
deployment-source-archive = copie archivée
deployment-source-archive-label = Copie archivée de « { $title } »
deployment-discussion = Discussion sur le forum
deployment-history = Historique
deployment-propose-change = Proposer une modification
deployment-login-to-propose = Se connecter pour proposer une modification
deployment-pending-heading = Propositions en attente de relecture
deployment-pending-own = Vos propositions en attente : l’équipe de documentation les relira avant publication.
deployment-back = Retour à la fiche
deployment-history-title = Historique : { $title }
deployment-history-intro = Chaque version publiée, avec ce qui a changé par rapport à la précédente. Les propositions refusées ou en attente n’y figurent que pour leur auteur ou autrice et l’équipe de documentation.
deployment-history-empty = Aucune version à afficher.
revision-heading = Révision n° { $id }
revision-by = Proposée par
revision-note = Ce qui change et pourquoi :
revision-published-by = Publiée par
revision-reviewed-by = Relue par
revision-review-reason = Motif :
revision-state-pending = en attente
revision-state-published = publiée
revision-state-rejected = refusée
revision-changes-caption = Modifications, champ par champ
revision-field = Champ
revision-before = Avant
revision-after = Après
revision-empty = (vide)
revision-no-changes = Aucun champ ne change.
revision-restore = Rétablir cette version
review-reason = Motif (facultatif pour une publication)
review-reason-hint = Montré à la personne qui a fait la proposition et dans l’historique (1 000 caractères au plus).
review-publish = Publier
review-reject = Refuser

## Observatoire : formulaire de proposition

deployment-form-new-title = Proposer un déploiement
deployment-form-edit-title = Modifier : { $title }
deployment-form-intro = Décrivez un dispositif de surveillance dans une ville : ce qu’il est, où il en est, qui le fournit et qui le paie, en vous appuyant sur des sources vérifiables (articles, délibérations, marchés publics, documents officiels).
deployment-form-sources-needed = Au moins une source est nécessaire pour que la fiche soit publiée.
deployment-form-review-notice = Votre proposition sera relue par l’équipe de documentation avant d’être publiée.
deployment-form-what-legend = Le déploiement
deployment-form-choose = Choisir…
deployment-field-title-hint = Court et précis, par exemple « Vidéosurveillance algorithmique des transports » (160 caractères au plus).
deployment-field-date-hint = Au mois (AAAA-MM, par exemple 2024-03) ou au jour (AAAA-MM-JJ).
deployment-field-ended-hint = À laisser vide si le dispositif est toujours en place. Au mois (AAAA-MM) ou au jour (AAAA-MM-JJ).
deployment-field-companies-hint = Les entreprises qui fournissent ou exploitent le dispositif, séparées par des virgules (10 au plus).
deployment-field-funding-hint = Montant et financeurs, si on les connaît (par exemple « 1,2 M€, dont 400 000 € de l’État »).
deployment-field-description-hint = En Markdown : **gras**, *italique*, [lien](https://exemple.org), listes commençant par « - ».
deployment-field-sources-hint = Pour chaque source : son adresse (http:// ou https://) et son titre ; l’éditeur, la date et une copie archivée (par exemple sur web.archive.org) sont facultatifs. Laissez vides les lignes inutiles.
deployment-source-legend = Source { $number }
deployment-source-url = Adresse
deployment-source-title = Titre
deployment-source-publisher = Éditeur (facultatif)
deployment-source-date = Date (facultative)
deployment-source-archive-url = Copie archivée (facultative)
deployment-source-archive-hint = L’adresse d’une copie archivée de la page, au cas où elle disparaîtrait.
deployment-field-note = Ce qui change et pourquoi
deployment-field-note-hint = Aide la relecture (500 caractères au plus), par exemple « statut mis à jour après la délibération du 12 mars ».
deployment-form-submit-new = Envoyer la proposition
deployment-form-submit-edit = Envoyer la modification
deployment-form-cancel = Annuler

## Observatoire : propositions, entreprises, villes

observatory-queue-title = Propositions en attente
observatory-queue-intro-reviewer = Les propositions de tous les membres, de la plus ancienne à la plus récente. Ouvrez une fiche pour relire ses modifications, puis la publier ou la refuser.
observatory-queue-intro-member = Vos propositions en attente de relecture par l’équipe de documentation.
observatory-queue-kind = Type
observatory-queue-kind-new = nouveau déploiement
observatory-queue-kind-edit = modification
observatory-queue-author = Proposée par
observatory-queue-date = Date
observatory-queue-empty-reviewer = Aucune proposition n’attend de relecture.
observatory-queue-empty-member = Vous n’avez aucune proposition en attente.
company-breadcrumb = Entreprises
company-subtitle = Entreprise citée par l’observatoire
company-website = Site de l’entreprise
company-deployments-heading = Déploiements de { $name }, dans toutes les villes
company-deployments-empty = Aucun déploiement publié ne cite cette entreprise.
company-map-link = Voir ces déploiements sur la carte
city-dossier-heading = Dossier de surveillance : { $city }
city-dossier-sources = Sources :
city-dossier-all = Ces déploiements dans l’observatoire
city-dossier-propose-more = Proposer un autre déploiement
city-dossier-empty = Aucun déploiement n’est encore documenté à { $city }.
city-dossier-propose = Proposer un déploiement

## Réglages : observatoire

admin-settings-observatory-legend = Observatoire
admin-settings-observatory-board = Forum de l’observatoire (identifiant)
admin-settings-observatory-board-hint = L’identifiant du forum où chaque déploiement publié reçoit son sujet de discussion ; ses modérateurs et modératrices relisent les propositions avec l’équipe de modération.
admin-settings-data-licence = Licence des données
admin-settings-data-licence-hint = Le nom de la licence indiquée sur les exports (CSV, GeoJSON, Atom), par exemple « CC BY-SA 4.0 » (80 caractères au plus).
admin-settings-data-licence-url = Adresse de la licence
admin-settings-data-licence-url-hint = L’adresse complète du texte de la licence (http:// ou https://).

modlog-action-deployment_publish = Déploiement publié
modlog-action-deployment_reject = Proposition de déploiement refusée
modlog-action-deployment_revert = Déploiement rétabli dans une version antérieure
city-dossier-none = Aucun déploiement n’est encore documenté dans cette ville.
admin-technologies-title = Technologies de l’observatoire
admin-technologies-intro = Le catalogue dans lequel chaque déploiement est classé.
admin-technologies-saved = Le catalogue a été enregistré.
admin-technologies-name = Nom (français)
admin-technologies-name-en = Nom (anglais)
admin-technologies-description = Description (français)
admin-technologies-description-en = Description (anglais)
admin-technologies-save = Enregistrer
admin-technologies-add = Ajouter une technologie
admin-technologies-slug = Identifiant
admin-technologies-slug-hint = En minuscules, sans espaces : il apparaît dans les adresses et les exports, et ne change plus.
admin-technologies-create = Ajouter
admin-nav-technologies = Technologies
error-technology-slug = Donnez un identifiant fait de lettres, de chiffres et de tirets.
error-technology-taken = Cet identifiant est déjà utilisé.
modlog-action-technology = Catalogue des technologies modifié
modlog-action-company = Fiche d’entreprise modifiée
revision-note-revert = Retour à la version n° { $revision }
admin-nav-manifesto = Manifeste
company-edit-heading = Compléter la fiche
company-edit-description = Description
company-edit-website = Site web
company-edit-website-hint = Une adresse complète en http:// ou https://, ou rien.
company-edit-save = Enregistrer la fiche
error-deployment-title-short = Le titre doit compter au moins 3 caractères.

## Site settings: local groups
admin-settings-groups-legend = Groupes locaux
admin-settings-group-creation = Qui peut créer un groupe
admin-settings-group-creation-members = Tout membre à l’adresse vérifiée
admin-settings-group-creation-staff = L’équipe de modération seulement
admin-settings-group-creation-off = Personne (les groupes existants continuent)
admin-settings-group-creation-hint = Le créateur d’un groupe en devient le premier coordinateur.

## Group boards (the forum's side)
breadcrumb-groups = Groupes
board-private-badge = réservé aux membres
board-followers-badge = réservé à ses abonnés
board-followers-note = Son serveur est limité ici : seuls les membres qui suivent ce forum le lisent.
board-members-post-only = Seuls les membres du groupe écrivent ici.
error-group-members-only = Seuls les membres du groupe peuvent écrire dans ses forums.
settings-groups-heading = Mes groupes
settings-groups-coordinator = coordination
settings-groups-manage = gérer
settings-groups-none = Vous n’êtes membre d’aucun groupe local.
settings-groups-browse = Voir les groupes
