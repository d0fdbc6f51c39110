# Vigie — messages des e-mails (français, langue principale).
# Les gabarits sont dans templates/emails/<nom>/{subject,text,html}.hbs.
# Toutes les clés commencent par « email- » ; le catalogue anglais
# (locales/en/emails.ftl) doit définir exactement les mêmes.
# Les paragraphes longs sont coupés vers 72 caractères : la version texte
# des e-mails reste ainsi lisible (dans la version HTML, les retours à la
# ligne comptent comme de simples espaces).
# Typographie : comme dans main.ftl (espaces insécables avant « : » et dans
# les guillemets, espaces fines insécables avant « ; ! ? »). On vouvoie.

## Éléments communs

email-greeting = Bonjour { $username },
email-button-fallback = Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :
email-link-validity-hours =
    { $hours ->
        [one] Ce lien est valable une heure.
       *[other] Ce lien est valable { $hours } heures.
    }
email-read-more = … la suite est à lire sur le forum.
email-reply-hint =
    Pour répondre, rendez-vous sur le forum : répondre à cet e-mail
    n’a aucun effet.
email-footer-service =
    Ceci est un message de service concernant votre compte sur { $site } :
    il vous est envoyé quels que soient vos réglages de notification.
email-footer-reason-default = Vous recevez cet e-mail en raison de vos réglages de notification.
email-footer-settings = Modifier vos réglages de notification :
email-footer-unsubscribe = Vous désabonner en un clic, sans avoir à vous connecter :

## Confirmation de l’adresse d’un nouveau compte (verify)

email-verify-subject = Confirmez votre adresse e-mail sur { $site }
email-verify-heading = Confirmez votre adresse e-mail
email-verify-intro =
    Merci d’avoir créé un compte sur { $site }. Pour terminer votre
    inscription, confirmez votre adresse e-mail en ouvrant ce lien :
email-verify-button = Confirmer mon adresse
email-verify-readonly =
    Tant que votre adresse n’est pas confirmée, vous pouvez lire le forum,
    mais pas y publier de message.
email-verify-ignore =
    Si vous n’êtes pas à l’origine de cette inscription, ignorez simplement
    ce message : sans confirmation, ce compte ne pourra rien publier.

## Inscription tentée avec une adresse déjà utilisée (account_exists)

email-exists-subject = Vous avez déjà un compte sur { $site }
email-exists-heading = Vous avez déjà un compte
email-exists-intro =
    Quelqu’un vient d’essayer de créer un compte sur { $site } avec cette
    adresse e-mail. Or elle est déjà associée à un compte : le vôtre,
    « { $username } ».
email-exists-if-you =
    Si c’était vous, inutile de créer un nouveau compte : il vous suffit
    de vous connecter.
email-exists-login-button = Me connecter
email-exists-forgot = Mot de passe oublié ? Vous pouvez en choisir un nouveau ici :
email-exists-if-not =
    Si ce n’était pas vous, ignorez ce message : rien n’a changé sur
    votre compte.

## Réinitialisation du mot de passe (reset)

email-reset-subject = Réinitialisation de votre mot de passe sur { $site }
email-reset-heading = Choisissez un nouveau mot de passe
email-reset-intro =
    Une demande de réinitialisation du mot de passe a été faite pour votre
    compte « { $username } ». Pour choisir un nouveau mot de passe, ouvrez
    ce lien :
email-reset-button = Choisir un nouveau mot de passe
email-reset-validity =
    { $minutes ->
        [one] Ce lien ne peut servir qu’une fois et expire dans
            une minute.
       *[other] Ce lien ne peut servir qu’une fois et expire dans
            { $minutes } minutes.
    }
email-reset-ignore =
    Si vous n’avez rien demandé, ignorez ce message : votre mot de passe
    reste inchangé.

## Mot de passe modifié (password_changed)

email-password-changed-subject = Le mot de passe de votre compte { $site } a été modifié
email-password-changed-heading = Votre mot de passe a été modifié
email-password-changed-intro =
    Le mot de passe de votre compte « { $username } » sur { $site } a été
    modifié le { $at } (heure UTC).
email-password-changed-ok = Si c’était vous, tout va bien : vous n’avez rien à faire.
email-password-changed-not-you =
    Si ce n’était pas vous, quelqu’un d’autre a peut-être accès à votre
    compte : choisissez tout de suite un nouveau mot de passe avec le lien
    ci-dessous, puis prévenez les administrateurs du forum.
email-password-changed-button = Réinitialiser mon mot de passe

## Confirmation d’une nouvelle adresse, envoyée à cette adresse (email_change)

email-address-change-subject = Confirmez votre nouvelle adresse e-mail sur { $site }
email-address-change-heading = Confirmez votre nouvelle adresse e-mail
email-address-change-intro =
    Vous avez demandé à remplacer l’adresse e-mail de votre compte
    « { $username } » sur { $site } par celle-ci : { $email }. Pour valider
    ce changement, ouvrez ce lien :
email-address-change-button = Confirmer cette adresse
email-address-change-until =
    Tant que vous n’avez pas confirmé, l’ancienne adresse reste celle de
    votre compte.
email-address-change-ignore =
    Si vous n’êtes pas à l’origine de cette demande, ignorez ce message :
    rien ne changera.

## Adresse modifiée, avis envoyé à l’ancienne adresse (email_changed)

email-address-changed-subject = L’adresse e-mail de votre compte { $site } a été modifiée
email-address-changed-heading = Votre adresse e-mail a été modifiée
email-address-changed-intro =
    L’adresse e-mail de votre compte « { $username } » sur { $site } a été
    remplacée par { $email } le { $at } (heure UTC).
    Les e-mails du forum seront désormais envoyés à cette nouvelle adresse.
email-address-changed-ok = Si c’était vous, vous n’avez rien à faire.
email-address-changed-not-you =
    Si ce n’était pas vous, quelqu’un d’autre a peut-être pris le contrôle
    de votre compte : prévenez sans attendre les administrateurs du forum
    et réinitialisez votre mot de passe avec le lien ci-dessous.
email-address-changed-button = Réinitialiser mon mot de passe

## Nouveau message (notification)

email-notification-subject =
    { $kind ->
        [mention] { $author } vous mentionne dans « { $title } »
        [quote] { $author } vous cite dans « { $title } »
        [new_thread] Nouveau sujet dans { $board } : « { $title } »
        [watched_post] Nouveau message dans « { $title } » ({ $board })
       *[reply] Nouvelle réponse de { $author } dans « { $title } »
    }
email-notification-heading =
    { $kind ->
        [mention] { $author } vous mentionne dans « { $title } »
        [quote] { $author } cite l’un de vos messages dans « { $title } »
        [new_thread] { $author } a ouvert un nouveau sujet : « { $title } »
        [watched_post] { $author } a publié un message dans « { $title } »
       *[reply] { $author } a répondu dans « { $title } »
    }
email-notification-where = Forum : { $board }
email-notification-where-city = Forum : { $board } · Ville : { $city }
email-notification-view-post = Voir le message
email-notification-view-post-label = Voir le message :
email-notification-view-thread = Lire tout le sujet :
email-notification-reason-direct =
    Vous recevez cet e-mail parce que vos réglages de notification
    prévoient un envoi immédiat pour les réponses dans les sujets que
    vous suivez, les mentions et les citations.
email-notification-reason-watched =
    Vous recevez cet e-mail parce que vous suivez le forum ou la ville de
    ce sujet, et que vos réglages de notification prévoient un envoi
    immédiat.

## Résumé quotidien (digest)

email-digest-subject =
    { $count ->
        [one] Votre résumé du jour : 1 nouveau message
       *[other] Votre résumé du jour : { $count } nouveaux messages
    }
email-digest-heading = Votre résumé du jour
email-digest-intro =
    { $count ->
        [one] Depuis votre dernier résumé, un nouveau message vous attend
            sur { $site }.
       *[other] Depuis votre dernier résumé, { $count } nouveaux messages
            vous attendent sur { $site }.
    }
email-digest-kind =
    { $kind ->
        [reply] Réponse
        [mention] Mention
        [quote] Citation
        [new_thread] Nouveau sujet
       *[watched_post] Nouveau message
    }
email-digest-item-meta = par { $author }, le { $at } (UTC)
email-digest-item-thread = Sujet : « { $title } »
email-digest-read = Lire le message
email-digest-read-label = Lire le message :
email-digest-all = Toutes vos notifications :
email-digest-reason =
    Vous recevez ce résumé quotidien parce que vous l’avez choisi dans vos
    réglages de notification.

## E-mail de test (vigie mail test)

email-test-subject = Test d’envoi d’e-mails de { $site }
email-test-heading = L’envoi d’e-mails fonctionne
email-test-body =
    Bonne nouvelle : si vous lisez ce message, { $site } parvient bien à
    envoyer des e-mails.
email-test-sent-at = Message envoyé le { $at }.
email-test-origin =
    Il a été envoyé par un administrateur avec la commande
    « vigie mail test ». Vous n’avez rien à faire.
email-test-footer =
    Message de test envoyé par l’administration de { $site } : il ne
    concerne aucun compte et n’appelle pas de réponse.

## Demandes d’inscription : acceptée (application_approved), refusée (application_rejected)

email-application-message = Message des administrateurs :
email-application-approved-subject = Votre inscription sur { $site } est acceptée
email-application-approved-heading = Bienvenue !
email-application-approved-intro =
    Les administrateurs de { $site } ont accepté votre demande
    d’inscription : votre compte « { $username } » est ouvert.
email-application-approved-button = Me connecter
email-application-approved-login = Vous pouvez vous connecter ici :
email-application-approved-verify =
    Si vous n’avez pas encore confirmé votre adresse e-mail, suivez le lien
    reçu lors de votre inscription (vous pouvez le redemander depuis la
    page de connexion) : vous ne pourrez pas publier avant.
email-application-rejected-subject = Votre demande d’inscription sur { $site }
email-application-rejected-heading = Votre demande n’a pas été acceptée
email-application-rejected-intro =
    Les administrateurs de { $site } ont examiné votre demande
    d’inscription sous le nom « { $username } » et ne l’ont pas acceptée.
email-application-rejected-deleted =
    Le compte en attente et les données de votre demande (nom, adresse
    e-mail, réponse) ont été supprimés.
email-application-rejected-footer =
    Vous recevez ce message parce qu’une demande d’inscription sur { $site }
    a été faite avec cette adresse. Vous n’en recevrez pas d’autre.

## Signalement traité, avis à la personne qui l’a fait (report_handled)

email-report-handled-subject = Votre signalement sur { $site } a été traité
email-report-handled-heading = Signalement traité
email-report-handled-intro =
    Vous avez signalé un message du sujet « { $thread } ». L’équipe de
    modération l’a examiné.
email-report-handled-action =
    Le message enfreignait les règles du forum : l’équipe de modération a
    pris les mesures nécessaires.
email-report-handled-no-action =
    Après examen, le message n’a pas été jugé contraire aux règles du
    forum : il reste en ligne.
email-report-handled-post = Le message :
email-report-handled-thanks = Merci de contribuer à faire de ce forum un lieu accueillant.
email-report-handled-footer =
    Vous recevez ce message parce que vous avez signalé un message sur
    { $site }. Pour ne plus recevoir ces avis, choisissez « Jamais » pour
    les réponses, mentions et citations dans vos réglages de notification.

email-application-received-subject = Nouvelle demande d’inscription sur { $site } : { $username }
email-application-received-heading = Une demande d’inscription attend
email-application-received-intro = { $username } demande à rejoindre { $site }.
email-application-received-answer = Sa réponse à la question d’inscription :
email-application-received-review = Acceptez ou refusez la demande ici :
email-application-received-button = Examiner les demandes
email-application-received-footer = Vous recevez ce message parce que vous administrez { $site } et que les inscriptions y sont soumises à validation.

## Signature du manifeste : lien de confirmation, ou avis « déjà signé » (manifesto_confirm)

email-manifesto-greeting = Bonjour,
email-manifesto-subject = Confirmez votre signature du manifeste de { $site }
email-manifesto-heading = Confirmez votre signature
email-manifesto-intro-person =
    Cette adresse e-mail vient d’être utilisée pour signer le manifeste de
    { $site }. Pour que votre signature soit comptée, confirmez-la en
    ouvrant ce lien :
email-manifesto-intro-organisation =
    Cette adresse e-mail vient d’être utilisée pour signer le manifeste de
    { $site } au nom d’une organisation. Pour confirmer cette signature,
    ouvrez ce lien :
email-manifesto-button = Confirmer ma signature
email-manifesto-validity =
    { $days ->
        [one] Ce lien ne peut servir qu’une fois et reste valable un jour.
       *[other] Ce lien ne peut servir qu’une fois et reste valable { $days } jours.
    }
email-manifesto-review =
    Une fois confirmée, la signature de votre organisation sera vérifiée
    par l’équipe de modération avant d’apparaître dans la liste publique.
email-manifesto-ignore =
    Si vous n’êtes pas à l’origine de cette signature, ignorez simplement
    ce message : sans confirmation, rien n’est publié ni compté, et votre
    adresse est effacée au bout de { $days } jours.
email-manifesto-already-subject = Vous avez déjà signé le manifeste de { $site }
email-manifesto-already-heading = Vous avez déjà signé
email-manifesto-already-intro =
    Quelqu’un vient de demander à signer le manifeste de { $site } avec
    cette adresse e-mail. Or elle a déjà servi à une signature confirmée :
    chaque adresse ne peut signer qu’une fois, et la vôtre est bien
    comptée. Il n’y a rien d’autre à faire.
email-manifesto-already-link = Le manifeste et ses signataires :
email-manifesto-already-ignore =
    Si ce n’était pas vous, ignorez ce message : rien n’a changé.
email-manifesto-footer =
    Vous recevez ce message parce que cette adresse a été saisie dans le
    formulaire de signature du manifeste de { $site }. Elle ne sert à rien
    d’autre et n’est jamais publiée.
