# Vigie — email messages (English).
# The templates are in templates/emails/<name>/{subject,text,html}.hbs.
# Every key starts with “email-”; the French catalogue
# (locales/fr/emails.ftl) must define exactly the same keys.
# Long paragraphs are wrapped at about 72 characters so that the plain-text
# part of each mail reads well (in the HTML part, line breaks are just
# spaces).

## Common pieces

email-greeting = Hello { $username },
email-button-fallback = If the button does not work, copy this address into your browser:
email-link-validity-hours =
    { $hours ->
        [one] This link is valid for one hour.
       *[other] This link is valid for { $hours } hours.
    }
email-read-more = …read the rest on the forum.
email-reply-hint =
    To reply, go to the forum: replying to this email does nothing.
email-footer-service =
    This is a service message about your account on { $site }: it is sent
    whatever your notification settings are.
email-footer-reason-default = You are receiving this email because of your notification settings.
email-footer-settings = Change your notification settings:
email-footer-unsubscribe = Unsubscribe in one click, no login needed:

## Confirming a new account’s address (verify)

email-verify-subject = Confirm your email address on { $site }
email-verify-heading = Confirm your email address
email-verify-intro =
    Thank you for creating an account on { $site }. To finish signing up,
    please confirm your email address by opening this link:
email-verify-button = Confirm my address
email-verify-readonly =
    Until your address is confirmed, you can read the forum but you cannot
    post.
email-verify-ignore =
    If you did not sign up, simply ignore this email: without confirmation,
    this account cannot post anything.

## Sign-up attempted with an address that already has an account (account_exists)

email-exists-subject = You already have an account on { $site }
email-exists-heading = You already have an account
email-exists-intro =
    Someone just tried to create an account on { $site } with this email
    address. It already belongs to an account: yours, “{ $username }”.
email-exists-if-you =
    If that was you, there is no need for a new account: just log in.
email-exists-login-button = Log in
email-exists-forgot = Forgot your password? You can choose a new one here:
email-exists-if-not =
    If it was not you, ignore this email: nothing has changed on your
    account.

## Password reset (reset)

email-reset-subject = Reset your password on { $site }
email-reset-heading = Choose a new password
email-reset-intro =
    Someone asked to reset the password of your account “{ $username }”.
    To choose a new password, open this link:
email-reset-button = Choose a new password
email-reset-validity =
    { $minutes ->
        [one] This link works only once and expires in one minute.
       *[other] This link works only once and expires
            in { $minutes } minutes.
    }
email-reset-ignore =
    If you did not ask for this, ignore this email: your password has not
    changed.

## Password changed (password_changed)

email-password-changed-subject = Your { $site } password was changed
email-password-changed-heading = Your password was changed
email-password-changed-intro =
    The password of your account “{ $username }” on { $site } was changed
    on { $at } (UTC).
email-password-changed-ok = If that was you, all is well: there is nothing to do.
email-password-changed-not-you =
    If it was not you, someone else may have access to your account:
    choose a new password right away with the link below, then let the
    forum’s administrators know.
email-password-changed-button = Reset my password

## Confirming a new address, sent to that address (email_change)

email-address-change-subject = Confirm your new email address on { $site }
email-address-change-heading = Confirm your new email address
email-address-change-intro =
    You asked to change the email address of your account “{ $username }”
    on { $site } to this one: { $email }. To confirm the change, open this
    link:
email-address-change-button = Confirm this address
email-address-change-until =
    Until you confirm, your account keeps its current address.
email-address-change-ignore =
    If you did not ask for this, ignore this email: nothing will change.

## Address changed, notice sent to the old address (email_changed)

email-address-changed-subject = The email address of your { $site } account was changed
email-address-changed-heading = Your email address was changed
email-address-changed-intro =
    The email address of your account “{ $username }” on { $site } was
    changed to { $email } on { $at } (UTC).
    The forum’s emails will now go to that new address.
email-address-changed-ok = If that was you, there is nothing to do.
email-address-changed-not-you =
    If it was not you, someone else may have taken over your account: let
    the forum’s administrators know right away, and reset your password
    with the link below.
email-address-changed-button = Reset my password

## New post (notification)

email-notification-subject =
    { $kind ->
        [mention] { $author } mentioned you in “{ $title }”
        [quote] { $author } quoted you in “{ $title }”
        [new_thread] New thread in { $board }: “{ $title }”
        [watched_post] New post in “{ $title }” ({ $board })
       *[reply] New reply from { $author } in “{ $title }”
    }
email-notification-heading =
    { $kind ->
        [mention] { $author } mentioned you in “{ $title }”
        [quote] { $author } quoted one of your posts in “{ $title }”
        [new_thread] { $author } started a new thread: “{ $title }”
        [watched_post] { $author } posted in “{ $title }”
       *[reply] { $author } replied in “{ $title }”
    }
email-notification-where = Board: { $board }
email-notification-where-city = Board: { $board } · City: { $city }
email-notification-view-post = View the post
email-notification-view-post-label = View the post:
email-notification-view-thread = Read the whole thread:
email-notification-reason-direct =
    You are receiving this email because your notification settings ask
    for an immediate email about replies in threads you follow, mentions
    and quotes.
email-notification-reason-watched =
    You are receiving this email because you follow the board or the city
    of this thread, and your notification settings ask for an immediate
    email.

## Daily digest (digest)

email-digest-subject =
    { $count ->
        [one] Your daily digest: 1 new post
       *[other] Your daily digest: { $count } new posts
    }
email-digest-heading = Your daily digest
email-digest-intro =
    { $count ->
        [one] Since your last digest, one new post is waiting for you
            on { $site }.
       *[other] Since your last digest, { $count } new posts are waiting
            for you on { $site }.
    }
email-digest-kind =
    { $kind ->
        [reply] Reply
        [mention] Mention
        [quote] Quote
        [new_thread] New thread
       *[watched_post] New post
    }
email-digest-item-meta = by { $author }, { $at } (UTC)
email-digest-item-thread = Thread: “{ $title }”
email-digest-read = Read the post
email-digest-read-label = Read the post:
email-digest-all = All your notifications:
email-digest-reason =
    You are receiving this daily digest because you chose it in your
    notification settings.

## Test email (vigie mail test)

email-test-subject = Test email from { $site }
email-test-heading = Sending email works
email-test-body =
    Good news: if you are reading this, { $site } is able to send email.
email-test-sent-at = Sent on { $at }.
email-test-origin =
    An administrator sent it with the “vigie mail test” command. There is
    nothing for you to do.
email-test-footer =
    Test message sent by the administrators of { $site }: it is not about
    any account and needs no reply.

## Applications: approved (application_approved), rejected (application_rejected)

email-application-message = A message from the administrators:
email-application-approved-subject = Your application to { $site } was approved
email-application-approved-heading = Welcome!
email-application-approved-intro =
    The administrators of { $site } approved your application: your
    account “{ $username }” is open.
email-application-approved-button = Log in
email-application-approved-login = You can log in here:
email-application-approved-verify =
    If you have not confirmed your email address yet, follow the link you
    received when you signed up (you can ask for it again from the login
    page): you cannot post until you do.
email-application-rejected-subject = Your application to { $site }
email-application-rejected-heading = Your application was not approved
email-application-rejected-intro =
    The administrators of { $site } reviewed your application under the
    name “{ $username }” and did not approve it.
email-application-rejected-deleted =
    The pending account and the data of your application (name, email
    address, answer) have been deleted.
email-application-rejected-footer =
    You are receiving this email because someone applied for an account on
    { $site } with this address. You will not receive any other.

## Report handled, notice to the person who reported (report_handled)

email-report-handled-subject = Your report on { $site } has been handled
email-report-handled-heading = Report handled
email-report-handled-intro =
    You reported a post in the thread “{ $thread }”. The moderators have
    reviewed it.
email-report-handled-action =
    The post broke the forum’s rules, and the moderators have acted on it.
email-report-handled-no-action =
    After review, the post was not found to break the forum’s rules: it
    stays up.
email-report-handled-post = The post:
email-report-handled-thanks = Thank you for helping keep this forum a welcoming place.
email-report-handled-footer =
    You are receiving this email because you reported a post on { $site }.
    To stop these notices, choose “Never” for replies, mentions and quotes
    in your notification settings.

email-application-received-subject = New application to { $site }: { $username }
email-application-received-heading = An application is waiting
email-application-received-intro = { $username } asks to join { $site }.
email-application-received-answer = Their answer to the registration question:
email-application-received-review = Approve or reject it here:
email-application-received-button = Review applications
email-application-received-footer = You receive this message because you administer { $site }, where new accounts need approval.

## Signing the manifesto: confirmation link, or “already signed” notice (manifesto_confirm)

email-manifesto-greeting = Hello,
email-manifesto-subject = Confirm your signature of the { $site } manifesto
email-manifesto-heading = Confirm your signature
email-manifesto-intro-person =
    This email address has just been used to sign the { $site } manifesto.
    For your signature to count, please confirm it by opening this link:
email-manifesto-intro-organisation =
    This email address has just been used to sign the { $site } manifesto
    on behalf of an organisation. To confirm this signature, open this
    link:
email-manifesto-button = Confirm my signature
email-manifesto-validity =
    { $days ->
        [one] This link works only once and is valid for one day.
       *[other] This link works only once and is valid for { $days } days.
    }
email-manifesto-review =
    Once confirmed, your organisation’s signature will be checked by the
    moderation team before it appears on the public list.
email-manifesto-ignore =
    If you did not sign, simply ignore this email: without confirmation,
    nothing is published or counted, and your address is erased after
    { $days } days.
email-manifesto-already-subject = You have already signed the { $site } manifesto
email-manifesto-already-heading = You have already signed
email-manifesto-already-intro =
    Someone has just asked to sign the { $site } manifesto with this email
    address. It has already been used for a confirmed signature: each
    address can sign only once, and yours is counted. There is nothing else
    to do.
email-manifesto-already-link = The manifesto and its signatories:
email-manifesto-already-ignore =
    If this was not you, ignore this email: nothing has changed.
email-manifesto-footer =
    You are receiving this email because this address was entered in the
    { $site } manifesto’s signature form. It is used for nothing else and
    is never published.
