# Two-factor sign-in and the sign-in notice.

two-factor-title = Two-factor sign-in
two-factor-heading = Two-factor sign-in
two-factor-back = Back to the settings
two-factor-intro = After your password, signing in will also ask for a six-digit code from an authenticator app on your phone (Aegis, FreeOTP, Google Authenticator, a password manager…). Someone who learns your password still cannot sign in.
two-factor-status-heading = Status
two-factor-status-on = Two-factor sign-in is on.
two-factor-status-on-since = Two-factor sign-in is on since { $at }.
two-factor-status-off = Two-factor sign-in is off.
two-factor-recovery-left = { $count ->
    [0] No recovery code left: make new ones.
    [one] One recovery code left.
   *[other] { $count } recovery codes left.
}
two-factor-manage-link = Manage two-factor sign-in
two-factor-start-heading = Turn it on
two-factor-start-submit = Set up an authenticator app
two-factor-replace-heading = New phone
two-factor-replace-hint = Set up another authenticator app (a new phone, after signing in with a recovery code): the current one keeps working until the new one is confirmed. Confirming it also needs a code from the current app or a recovery code; we will tell you by mail and end your other sessions.
two-factor-replace-submit = Set up a new authenticator app
two-factor-setup-heading = Set up your authenticator app
two-factor-setup-scan = Scan this QR code with the app:
two-factor-qr-alt = QR code holding the secret to add to your authenticator app (the same secret is written below)
two-factor-setup-type = or type this secret into it (time-based, six digits, every 30 seconds):
two-factor-setup-confirm = Then type the six-digit code the app shows, and your password, to turn it on. Your other sessions will be ended.
two-factor-code-label = Code
two-factor-code-or-recovery-label = Code from the app, or a recovery code
two-factor-confirm-submit = Turn on two-factor sign-in
two-factor-cancel-submit = Cancel this set-up
two-factor-codes-heading = Your recovery codes
two-factor-codes-intro = Keep these codes somewhere safe (printed, or in a password manager): each one signs you in once if you lose your phone. They are shown only now.
two-factor-regenerate-heading = Recovery codes
two-factor-regenerate-hint = Make ten new recovery codes; the old ones stop working. Needs your password and a code from your app (or a recovery code); we will tell you by mail and end your other sessions.
two-factor-regenerate-submit = Make new recovery codes
two-factor-disable-heading = Turn it off
two-factor-disable-hint = Needs a code from your app (or a recovery code) and your password. We will tell you by mail.
two-factor-disable-submit = Turn off two-factor sign-in
two-factor-notice-enabled = Two-factor sign-in is on.
two-factor-notice-regenerated = New recovery codes made; the old ones no longer work.
two-factor-notice-disabled = Two-factor sign-in is off.
two-factor-notice-cancelled = Set-up cancelled.
two-factor-required-notice = Your role requires two-factor sign-in: turn it on to use the moderation and administration pages.
two-factor-recovered-notice = You signed in with a recovery code ({ $count } left). If you lost your phone, set up a new authenticator app below.

two-factor-login-title = Sign-in code
two-factor-login-heading = Sign-in code
two-factor-login-intro = Your account has two-factor sign-in: type the six-digit code your authenticator app shows.
two-factor-login-hint = Lost your phone? Type one of your recovery codes instead. After { $attempts } wrong codes you must type your password again.
two-factor-login-submit = Sign in
two-factor-login-restart = Start again

error-second-factor-required = Type the code from your authenticator app (or a recovery code).
error-second-factor-invalid = This code is wrong or was already used. Wait for the next one.
error-two-factor-code-format = The code is six digits.
error-two-factor-expired = This sign-in has expired: type your password again.
error-two-factor-too-many = Too many wrong codes: type your password again.
error-two-factor-enrolment-required = Your role requires two-factor sign-in: turn it on in your settings first.
error-two-factor-staff-keep = The site requires two-factor sign-in for moderators and administrators: you cannot turn it off.
error-two-factor-reset-self = Manage your own two-factor sign-in from your settings.
two-factor-current-code-label = Code from the app in use now, or a recovery code
two-factor-current-code-hint = Two-factor sign-in is already on: prove you hold it before replacing it (lost phone: type one of your recovery codes).
error-two-factor-current-invalid = Type a code from the authenticator app in use (or an unused recovery code): this one is missing, wrong or already used.

admin-settings-require-staff-2fa = Moderators and administrators must use two-factor sign-in
admin-settings-require-staff-2fa-hint = Staff without it are sent to set it up before any moderation or administration page or action.
admin-two-factor-heading = Two-factor sign-in
admin-two-factor-on = Two-factor sign-in is on for this account.
admin-two-factor-off = Two-factor sign-in is off for this account.
admin-two-factor-reset-hint = For a member who lost their phone and their recovery codes: turns it off so they can sign in with their password alone, and tells them by mail. Written to the moderation log.
admin-two-factor-reset = Reset two-factor sign-in

settings-signin-notice-label = Mail me when my account signs in from a new browser
settings-signin-notice-hint = A browser or system never used before on your account (only their names are kept, never your address).

email-signin-notice-subject = New sign-in to your { $site } account
email-signin-notice-heading = New sign-in from a new browser
email-signin-notice-intro = Your { $site } account was signed in on { $at } (UTC) from a browser it had not used before: { $family }.
email-signin-notice-ok = If that was you, there is nothing to do.
email-signin-notice-not-you = If it was not you, end that session from your sessions list and change your password:
email-signin-notice-button = See my sessions
email-signin-notice-off = You can turn these mails off in your mail settings.
email-signin-notice-settings = Mail settings

email-two-factor-disabled-subject = Two-factor sign-in turned off on { $site }
email-two-factor-disabled-heading = Two-factor sign-in is off
email-two-factor-disabled-by-you = Two-factor sign-in was turned off on your { $site } account on { $at } (UTC).
email-two-factor-disabled-by-admin = An administrator of { $site } turned off two-factor sign-in on your account on { $at } (UTC), as asked when a phone is lost. Your password alone now signs you in.
email-two-factor-disabled-again = You can turn it on again here:
email-two-factor-disabled-not-you = If you did not ask for this, change your password at once:

email-two-factor-changed-subject = Two-factor sign-in changed on { $site }
email-two-factor-changed-heading = Your two-factor sign-in changed
email-two-factor-changed-authenticator = A new authenticator app replaced the one of your { $site } account on { $at } (UTC): the old one no longer signs you in, and new recovery codes replaced the old ones.
email-two-factor-changed-recovery-codes = New recovery codes were made for your { $site } account on { $at } (UTC): the old ones no longer work.
email-two-factor-changed-sessions = Your account's other sessions were ended. See the ones still open:
email-two-factor-changed-not-you = If it was not you, someone has your password and a code: change your password at once, then ask an administrator to reset your two-factor sign-in:
