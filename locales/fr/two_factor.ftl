# Connexion en deux étapes et avis de connexion.

two-factor-title = Connexion en deux étapes
two-factor-heading = Connexion en deux étapes
two-factor-back = Retour aux réglages
two-factor-intro = Après votre mot de passe, la connexion demandera aussi un code à six chiffres donné par une application d’authentification sur votre téléphone (Aegis, FreeOTP, Google Authenticator, un gestionnaire de mots de passe…). Quelqu’un qui apprendrait votre mot de passe ne pourrait toujours pas se connecter.
two-factor-status-heading = État
two-factor-status-on = La connexion en deux étapes est activée.
two-factor-status-on-since = La connexion en deux étapes est activée depuis le { $at }.
two-factor-status-off = La connexion en deux étapes est désactivée.
two-factor-recovery-left = { $count ->
    [0] Plus aucun code de secours : créez-en de nouveaux.
    [one] Il reste un code de secours.
   *[other] Il reste { $count } codes de secours.
}
two-factor-manage-link = Gérer la connexion en deux étapes
two-factor-start-heading = L’activer
two-factor-start-submit = Configurer une application d’authentification
two-factor-replace-heading = Nouveau téléphone
two-factor-replace-hint = Configurez une autre application d’authentification (nouveau téléphone, après une connexion avec un code de secours) : l’actuelle reste valable jusqu’à la confirmation de la nouvelle. La confirmation demande aussi un code de l’application actuelle ou un code de secours ; nous vous préviendrons par courriel et fermerons vos autres sessions.
two-factor-replace-submit = Configurer une nouvelle application
two-factor-setup-heading = Configurer votre application d’authentification
two-factor-setup-scan = Scannez ce QR code avec l’application :
two-factor-qr-alt = QR code contenant le secret à ajouter à votre application d’authentification (le même secret est écrit ci-dessous)
two-factor-setup-type = ou saisissez-y ce secret (basé sur le temps, six chiffres, toutes les 30 secondes) :
two-factor-setup-confirm = Puis saisissez le code à six chiffres affiché par l’application, et votre mot de passe, pour l’activer. Vos autres sessions seront fermées.
two-factor-code-label = Code
two-factor-code-or-recovery-label = Code de l’application, ou code de secours
two-factor-confirm-submit = Activer la connexion en deux étapes
two-factor-cancel-submit = Annuler cette configuration
two-factor-codes-heading = Vos codes de secours
two-factor-codes-intro = Gardez ces codes en lieu sûr (imprimés, ou dans un gestionnaire de mots de passe) : chacun permet une connexion si vous perdez votre téléphone. Ils ne sont affichés que maintenant.
two-factor-regenerate-heading = Codes de secours
two-factor-regenerate-hint = Créer dix nouveaux codes de secours ; les anciens cessent de fonctionner. Il faut votre mot de passe et un code de l’application (ou un code de secours) ; nous vous préviendrons par courriel et fermerons vos autres sessions.
two-factor-regenerate-submit = Créer de nouveaux codes de secours
two-factor-disable-heading = La désactiver
two-factor-disable-hint = Il faut un code de l’application (ou un code de secours) et votre mot de passe. Nous vous préviendrons par courriel.
two-factor-disable-submit = Désactiver la connexion en deux étapes
two-factor-notice-enabled = La connexion en deux étapes est activée.
two-factor-notice-regenerated = Nouveaux codes de secours créés ; les anciens ne fonctionnent plus.
two-factor-notice-disabled = La connexion en deux étapes est désactivée.
two-factor-notice-cancelled = Configuration annulée.
two-factor-required-notice = Votre rôle exige la connexion en deux étapes : activez-la pour utiliser les pages de modération et d’administration.
two-factor-recovered-notice = Vous vous êtes connecté·e avec un code de secours (il en reste { $count }). Si vous avez perdu votre téléphone, configurez une nouvelle application ci-dessous.

two-factor-login-title = Code de connexion
two-factor-login-heading = Code de connexion
two-factor-login-intro = Votre compte utilise la connexion en deux étapes : saisissez le code à six chiffres affiché par votre application d’authentification.
two-factor-login-hint = Téléphone perdu ? Saisissez plutôt l’un de vos codes de secours. Après { $attempts } codes erronés, il faudra retaper votre mot de passe.
two-factor-login-submit = Se connecter
two-factor-login-restart = Recommencer

error-second-factor-required = Saisissez le code de votre application d’authentification (ou un code de secours).
error-second-factor-invalid = Ce code est faux ou a déjà servi. Attendez le suivant.
error-two-factor-code-format = Le code compte six chiffres.
error-two-factor-expired = Cette connexion a expiré : retapez votre mot de passe.
error-two-factor-too-many = Trop de codes erronés : retapez votre mot de passe.
error-two-factor-enrolment-required = Votre rôle exige la connexion en deux étapes : activez-la d’abord dans vos réglages.
error-two-factor-staff-keep = Le site exige la connexion en deux étapes des modérateurs et administrateurs : vous ne pouvez pas la désactiver.
error-two-factor-reset-self = Gérez votre propre connexion en deux étapes depuis vos réglages.
two-factor-current-code-label = Code de l’application utilisée actuellement, ou un code de secours
two-factor-current-code-hint = La connexion en deux étapes est déjà active : prouvez que vous la détenez avant de la remplacer (téléphone perdu : tapez l’un de vos codes de secours).
error-two-factor-current-invalid = Tapez un code de l’application d’authentification utilisée (ou un code de secours inutilisé) : celui-ci manque, est faux ou a déjà servi.

admin-settings-require-staff-2fa = Les modérateurs et administrateurs doivent utiliser la connexion en deux étapes
admin-settings-require-staff-2fa-hint = Sans elle, ils sont envoyés la configurer avant toute page ou action de modération ou d’administration.
admin-two-factor-heading = Connexion en deux étapes
admin-two-factor-on = La connexion en deux étapes est activée pour ce compte.
admin-two-factor-off = La connexion en deux étapes est désactivée pour ce compte.
admin-two-factor-reset-hint = Pour un membre qui a perdu son téléphone et ses codes de secours : la désactive pour qu’il se connecte avec son seul mot de passe, et le prévient par courriel. Inscrit au journal de modération.
admin-two-factor-reset = Réinitialiser la connexion en deux étapes

settings-signin-notice-label = M’écrire quand mon compte se connecte depuis un nouveau navigateur
settings-signin-notice-hint = Un navigateur ou un système jamais utilisé sur votre compte (seuls leurs noms sont gardés, jamais votre adresse IP).

email-signin-notice-subject = Nouvelle connexion à votre compte { $site }
email-signin-notice-heading = Nouvelle connexion depuis un nouveau navigateur
email-signin-notice-intro = Votre compte { $site } s’est connecté le { $at } (UTC) depuis un navigateur jamais utilisé auparavant : { $family }.
email-signin-notice-ok = Si c’était vous, il n’y a rien à faire.
email-signin-notice-not-you = Si ce n’était pas vous, fermez cette session depuis la liste de vos sessions et changez votre mot de passe :
email-signin-notice-button = Voir mes sessions
email-signin-notice-off = Vous pouvez désactiver ces courriels dans vos réglages de courriel.
email-signin-notice-settings = Réglages de courriel

email-two-factor-disabled-subject = Connexion en deux étapes désactivée sur { $site }
email-two-factor-disabled-heading = La connexion en deux étapes est désactivée
email-two-factor-disabled-by-you = La connexion en deux étapes a été désactivée sur votre compte { $site } le { $at } (UTC).
email-two-factor-disabled-by-admin = Un administrateur de { $site } a désactivé la connexion en deux étapes de votre compte le { $at } (UTC), comme on le fait quand un téléphone est perdu. Votre mot de passe seul vous connecte désormais.
email-two-factor-disabled-again = Vous pouvez la réactiver ici :
email-two-factor-disabled-not-you = Si vous ne l’avez pas demandé, changez votre mot de passe immédiatement :

email-two-factor-changed-subject = Connexion en deux étapes modifiée sur { $site }
email-two-factor-changed-heading = Votre connexion en deux étapes a changé
email-two-factor-changed-authenticator = Une nouvelle application d’authentification a remplacé celle de votre compte { $site } le { $at } (UTC) : l’ancienne ne vous connecte plus, et de nouveaux codes de secours ont remplacé les anciens.
email-two-factor-changed-recovery-codes = De nouveaux codes de secours ont été créés pour votre compte { $site } le { $at } (UTC) : les anciens ne fonctionnent plus.
email-two-factor-changed-sessions = Les autres sessions de votre compte ont été fermées. Voir celles encore ouvertes :
email-two-factor-changed-not-you = Si ce n’était pas vous, quelqu’un connaît votre mot de passe et un code : changez votre mot de passe immédiatement, puis demandez à un administrateur de réinitialiser votre connexion en deux étapes :
