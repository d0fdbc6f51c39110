# Vigie — English catalogue.
# Both catalogues (fr, en) must define exactly the same keys.

## Layout

skip-to-content = Skip to content
nav-main-label = Main navigation
nav-account-label = Account
nav-boards = Boards
nav-cities = Cities
nav-following = Boards of other servers
nav-settings = Settings
nav-admin = Administration
nav-logout = Log out
nav-login = Log in
nav-register = Sign up
lang-switch-label = Language
lang-switch-submit = Change
footer-tagline = { $site } — a free forum, with no tracking
breadcrumbs-label = Breadcrumb
error-home-link = Back to the home page

## Common

badge-pinned = Pinned
badge-locked = Locked
form-cancel = Cancel
form-has-errors = The form contains an error; please correct it and send it again.
markdown-hint = Markdown formatting: **bold**, *italic*, [link](https://example.org), lists starting with “- ”, quotes starting with “> ”.
city-field-hint = City name or identifier, e.g. “paris”.
city-candidates-intro = Several cities have this name. Type the identifier of the one you mean:
field-username = Username
field-email = Email address
field-login = Username or email address
field-password = Password
username-hint = 3 to 32 characters: letters, digits, _ or -.
email-hint = It is never shown publicly.
password-hint = At least 8 characters. A passphrase is easier to remember and safer.
honeypot-label = Leave this field empty (it helps us catch bots).

## Pagination

pagination-label = Pagination
pagination-first = First page
pagination-prev = ‹ Previous page
pagination-next = Next page ›
pagination-page = Page { $number }

## Thread lists

threads-col-thread = Thread
threads-col-replies = Replies
threads-col-last-activity = Last post
threads-empty = No threads yet.
thread-started-by = by
thread-in-board = in
thread-last-poster = last post by

## Home

home-title = Boards
home-heading = Boards
home-intro = Discussions between local groups resisting urban surveillance.
home-boards-caption = List of boards
home-no-boards = No board has been created yet.
home-active-cities = Most active cities
home-no-active-cities = No city has any threads yet.
home-all-cities = See all cities
boards-col-board = Board
boards-col-threads = Threads
boards-col-posts = Posts
boards-col-last-activity = Latest activity
boards-no-activity = No posts yet
city-thread-count =
    { $count ->
        [0] no threads
        [one] { $count } thread
       *[other] { $count } threads
    }

## Board

board-stats-threads =
    { $count ->
        [0] No threads
        [one] { $count } thread
       *[other] { $count } threads
    }
board-stats-posts =
    { $count ->
        [0] no posts
        [one] { $count } post
       *[other] { $count } posts
    }
board-new-thread = New thread
board-login-to-post = Log in to start a thread
board-filter-label = Filter by city (name or identifier)
board-filter-submit = Filter
board-filtered-by = Threads about the city:
board-filter-remove = remove filter
board-mark-read = Mark all as read
thread-unread-since = { $count ->
    [one] 1 new post
   *[other] { $count } new posts
}
thread-unread-new = New
board-filter-unknown = No city is called “{ $query }”: the board is shown unfiltered.
board-filter-ambiguous = Several cities are called “{ $query }”: choose one.
board-filter-directory = Search the cities
board-pinned-heading = Pinned threads
board-threads-heading = Threads

## Thread

thread-started-on = Started
thread-post-count =
    { $count ->
        [one] { $count } post
       *[other] { $count } posts
    }
thread-locked-notice = This thread is locked: no more replies can be posted.
thread-no-posts = This thread has no posts.
post-origin = on its server
post-edited-on = edited
post-edit = Edit
post-permalink = Link to post #{ $number }
reply-heading = Reply
reply-body-label = Your message
reply-submit = Post reply
reply-login = Log in to reply
reply-page-title = Reply to “{ $title }”

## New thread

new-thread-title = New thread
new-thread-heading = Start a thread
new-thread-in-board = In the “{ $board }” board
new-thread-title-label = Title
new-thread-city-label = City (optional)
new-thread-body-label = Message
new-thread-submit = Post thread

## Editing a post

edit-post-title = Edit post #{ $number }
edit-post-body-label = Message
edit-post-submit = Save changes
edit-conflict-notice = Someone else edited this post while you were writing. Here is the current version: carry your changes over in the form below, then save again.
edit-conflict-current = Current version
edit-conflict-yours = Your version

## Cities

cities-title = Cities
cities-heading = City directory
cities-intro = Find the threads about a city, across all boards.
cities-search-label = Name starts with
cities-search-submit = Search
cities-caption = Cities found
cities-col-city = City
cities-col-country = Country
cities-col-population = Population
cities-col-threads = Threads
cities-truncated = More cities match; narrow your search to see them.
cities-none = No cities to show.
cities-none-matching = No city name starts with “{ $query }”.
cities-attribution = City data: GeoNames,
city-country = Country
city-region = Region
city-population = Population
city-threads = Threads
city-identifier = Identifier
city-threads-heading = Threads about { $city }

## Profile

profile-title = { $username }’s profile
profile-remote = Account on another server
profile-joined = Joined
profile-posts = Posts
profile-threads = Threads
profile-home-city = City
profile-no-home-city = Not given
profile-recent-threads = Recent threads

## Sign-up and login

register-title = Sign up
register-heading = Create an account
register-intro = A username, an email address and a password are all you need.
register-submit = Create my account
register-have-account = Already have an account?
register-login-link = Log in
login-title = Log in
login-heading = Log in
login-submit = Log in
login-no-account = No account yet?
login-register-link = Sign up

## Settings

settings-title = Settings
settings-heading = Account settings
settings-account-heading = Account
settings-email-private = Only you and the administrators can see your email address.
settings-preferences-heading = Preferences
settings-locale-label = Interface language
settings-locale-auto = Automatic (browser language, otherwise the site’s)
settings-home-city-label = Home city
settings-home-city-hint = City name or identifier, e.g. “paris”. Leave empty for none.
settings-preferences-submit = Save preferences
settings-password-heading = Password
settings-current-password-label = Current password
settings-new-password-label = New password
settings-password-sessions-hint = Your other sessions will be logged out.
settings-password-submit = Change password
settings-sessions-heading = Active sessions
settings-sessions-intro = The browsers and access tokens signed in to your account. Log out any you do not recognise.
sessions-col-device = Device
sessions-col-kind = Type
sessions-col-created = Started
sessions-col-last-seen = Last active
sessions-col-actions = Actions
sessions-current = This session
sessions-kind-web = Browser
sessions-kind-api = API token
sessions-revoke = Log out
sessions-revoke-label = Log out the session “{ $device }”
sessions-revoke-others = Log out everywhere else

## Setup

setup-title = Setup
setup-heading = Create the administrator account
setup-intro = This form creates the forum’s first account, with full administration rights.
setup-one-time = This link works only once: as soon as the account is created, it stops working. Do not share it.
setup-submit = Create the administrator account

## Administration

admin-boards-title = Manage boards
admin-boards-heading = Manage boards
admin-boards-caption = Boards, in display order
admin-col-actions = Actions
admin-edit = Edit
admin-edit-label = Edit the “{ $name }” board
admin-move-up = ↑ Move up
admin-move-up-label = Move the “{ $name }” board up
admin-move-down = ↓ Move down
admin-move-down-label = Move the “{ $name }” board down
admin-new-board-heading = New board
admin-field-slug = Identifier (used in the address)
admin-slug-hint = Lower-case letters, digits and hyphens, e.g. “public-transport”. It cannot be changed later.
admin-slug-readonly-hint = The identifier is part of the board’s addresses and cannot be changed.
admin-field-name = Name (in French, the default language)
admin-field-description = Description
admin-english-legend = English version (optional)
admin-english-hint = Shown to people reading the forum in English; otherwise the French name and description are used.
admin-field-name-en = Name in English
admin-field-description-en = Description in English
admin-create-submit = Create board
admin-board-edit-title = Edit board { $slug }
admin-board-edit-heading = Edit board
admin-save-submit = Save
admin-back = Back to the list of boards

## General errors (keys used by the Rust code)

error-not-found = This page does not exist, or no longer exists.
error-unauthorized = Please log in to continue.
error-bad-credentials = Unknown username/email or wrong password.
error-forbidden = You do not have permission to do this.
error-csrf = This form has expired or did not come from this site. Reload the page and try again.
error-bad-form = The submitted form is incomplete or malformed.
error-rate-limited = Too many attempts in a short time. Please try again later.
error-payload-too-large = The submitted content is too large.
error-unavailable = The service is temporarily unavailable. Please try again in a moment.
error-internal = Something went wrong on our side. Please try again later.
error-conflict = This action conflicts with a change made in the meantime. Reload the page and try again.

error-title-400 = Bad request
error-title-401 = Login required
error-title-403 = Access denied
error-title-404 = Page not found
error-title-409 = Edit conflict
error-title-413 = Content too large
error-title-422 = Invalid data
error-title-429 = Too many attempts
error-title-500 = Internal error
error-title-503 = Service unavailable

## Input errors

error-username-short = The username must be at least 3 characters long.
error-username-long = The username cannot be longer than 32 characters.
error-username-chars = The username may only contain letters, digits, _ and -.
error-username-taken = This username is already taken, or too similar to an existing one.
error-email-invalid = This email address is not valid.
error-email-taken = This email address is already in use.
error-password-short = The password must be at least 8 characters long.
error-password-long = The password is too long (1024 characters at most).
error-password-common = This password is among the most common ones and too easy to guess. Please choose another.
error-current-password-wrong = The current password is wrong.
error-title-short = The title must be at least 3 characters long.
error-title-long = The title cannot be longer than 150 characters.
error-body-empty = The message cannot be empty.
error-body-long = The message is too long (50,000 characters at most).
error-markdown-too-deep = Quotes or lists are nested too deeply (32 levels at most).
error-city-unknown = No city matches. Try its full name or its identifier, e.g. “paris”.
error-city-ambiguous = Several cities have that name: pick one by its identifier.
error-board-unknown = This board does not exist.
error-thread-locked = This thread is locked: no more replies can be posted.
error-edit-conflict = This post was edited in the meantime. Read the current version before saving yours.
error-slug-invalid = The identifier may only contain lower-case letters, digits and hyphens (60 characters at most, no hyphen at the start or end).
error-slug-taken = This identifier is already used by another board.
error-name-empty = The name is required.
error-name-long = The name cannot be longer than 80 characters.
error-description-long = The description cannot be longer than 500 characters.
error-lang-invalid = This language is not available.
error-registration-honeypot = Sign-up could not be completed. Fill in the form yourself, without autofill, and try again.

## Confirmations

notice-settings-saved = Your preferences have been saved.
notice-password-changed = Your password has been changed. Your other sessions have been logged out.
notice-session-revoked = The session has been logged out.
notice-sessions-revoked = All your other sessions have been logged out.
notice-board-created = The board has been created.
notice-board-saved = The board’s changes have been saved.

## Roles and miscellaneous

role-member = Member
role-moderator = Moderator
role-admin = Administrator
board-name-fallback = Untitled board

error-bad-cursor = This pagination link is not valid. Start again from the first page.

settings-data-heading = Your data
settings-export-intro = Download everything the forum keeps about you: your account, your threads, your posts (in Markdown) and your sessions, as a JSON file.
settings-export-link = Download my data
settings-delete-heading = Delete my account
settings-delete-intro = Your name, address and password are erased and every session is closed. Your posts stay visible under an anonymous name, unless you also ask to erase their text. This cannot be undone.
settings-delete-erase-posts = Also erase the text of all my posts
settings-delete-submit = Delete my account for good
post-erased = Post erased by its author.

## Email: verification, forgotten password, address change
error-email-unverified = Please confirm your email address first: follow the link we sent you (you can ask for a new one in your settings).
register-sent-title = Check your inbox
register-sent-message = We sent a message to the address you gave. Follow the link inside to confirm your address; you can then log in and post. Nothing after a few minutes? Look in your spam folder, or ask for a new link from the login page.
register-sent-login = Go to the login page
verify-done-title = Address confirmed
verify-done-message = Thank you: your email address is confirmed. You can now post.
verify-done-continue = Continue to the boards
verify-done-login = Log in
link-invalid-title = Invalid or expired link
verify-invalid-message = This confirmation link no longer works: it was already used, has expired, or was replaced by a newer one.
verify-resend-from-login = Ask for a new link
verify-resent-title = Link sent
verify-resent-message = If this account exists and its address is still unconfirmed, a new link has just been sent to it. Earlier links no longer work.
verify-banner = Your email address is not confirmed yet: you can read, but not post yet.
verify-resend = Send the confirmation link again
forgot-title = Forgotten password
forgot-intro = Enter your account’s email address: we will send a link to choose a new password there, valid for one hour.
forgot-submit = Send the link
forgot-sent-title = Check your inbox
forgot-sent-message = If an account uses this address, a link to choose a new password has just been sent to it. It is valid for one hour and works once.
reset-title = Choose a new password
reset-intro = Choose your account’s new password.
reset-sessions-hint = All your sessions will be closed: you will log in again with this new password.
reset-submit = Save the password
reset-invalid-message = This reset link no longer works: it was already used, has expired, or was replaced by a newer one.
reset-ask-again = Ask for a new link
reset-done-title = Password changed
reset-done-message = Your password was changed and all your sessions were closed. Log in with the new password.
email-confirm-invalid-message = This confirmation link no longer works: it was already used, has expired, or was replaced by a newer one.
email-confirm-taken-message = This address is now used by another account: it cannot become yours.
email-confirm-done-title = Address changed
email-confirm-done-message = Your new email address is confirmed. A message told your old address.
notice-email-change-sent = We sent a confirmation link to the new address. The change takes effect once you follow it.
notice-notifications-saved = Your notification preferences were saved.
login-forgot-link = Forgot your password?
login-resend-summary = Didn’t get the confirmation link?
settings-email-verified = confirmed
settings-email-unverified = not confirmed yet
settings-email-heading = Change email address
settings-email-change-hint = We will send a confirmation link to the new address and let the old one know.
settings-new-email-label = New email address
settings-email-submit = Change address

## Notifications
nav-notifications = Notifications
nav-unread = { $count ->
    [one] { $count } unread notification
   *[other] { $count } unread notifications
}
nav-admin-mail = Email
notifications-title = Notifications
notifications-mark-all-read = Mark all as read
notifications-unread = New
notifications-empty = No notifications yet.
notifications-settings-hint = Choose what is also sent to you by email in your settings:
pagination-older = Older ›
notification-kind-reply = Reply
notification-kind-mention = Mention
notification-kind-quote = Quote
notification-kind-new-thread = New thread
notification-kind-watched-post = New post
settings-notifications-heading = Email notifications
settings-notifications-intro = Notifications always show on the forum. Choose what is also sent to you by email.
settings-email-direct-label = Replies, mentions and quotes
settings-email-watched-label = Boards and cities you watch
settings-email-mode-immediately = Right away
settings-email-mode-digest = In a daily digest
settings-email-mode-never = Never
settings-notifications-submit = Save
watch-label = Notifications:
watch-submit = Change
watch-level-thread-watching = Watching: every new post
watch-level-thread-normal = Normal: replies quoting me and mentions
watch-level-thread-muted = Muted: nothing at all
watch-level-board-watching = Watching: every new post in this board
watch-level-board-normal = Normal: only what concerns me
watch-level-board-muted = Muted: nothing from this board
watch-level-city-watching = Watching: every new post about this city
watch-level-city-normal = Normal: only what concerns me
watch-level-city-muted = Muted: nothing about this city
watch-current-watching = Watching
watch-current-normal = Normal
watch-current-muted = Muted
post-quote = Quote
quote-intro = [@{ $author }]({ $link }) wrote:
reply-needs-verification = Confirm your email address to be able to reply.
unsubscribe-title = Unsubscribe
unsubscribe-confirm = Stop receiving by email: { $list }?
unsubscribe-submit = Unsubscribe me
unsubscribe-done = Done: you will no longer receive by email: { $list }.
unsubscribe-settings-hint = You can change your mind at any time in your settings:
unsubscribe-list-direct = replies, mentions and quotes
unsubscribe-list-watched = new posts in the boards and cities you watch
unsubscribe-list-digest = the daily digest

## Email administration
admin-mail-title = Outgoing email
admin-mail-transport = Configured transport: { $transport }.
admin-mail-pending = Pending
admin-mail-failed = Failed
admin-mail-sent = Sent (recent)
admin-mail-fanout = Posts awaiting notification
admin-mail-bodies = Stored mail texts (one per message, shared by its recipients)
admin-mail-retry = Retry failed mails
admin-mail-retried = { $count ->
    [one] { $count } mail queued again.
   *[other] { $count } mails queued again.
}
admin-mail-problems = Mails in trouble
admin-mail-no-problems = No mail in trouble.
admin-mail-col-kind = Kind
admin-mail-col-recipient = Recipient
admin-mail-col-status = Status
admin-mail-col-attempts = Attempts
admin-mail-col-error = Last error
admin-mail-col-next = Next attempt

## Moderation: sanctions, notes, log
error-silenced = A moderator made your account read-only: you cannot post for now. The reason is in your settings.
error-account-suspended = This account is suspended until { $until }. Reason: { $reason }
error-account-banned = This account is banned. Reason: { $reason }
error-account-suspended-short = This account is suspended.
error-account-banned-short = This account is banned.
error-sanction-kind = Choose a sanction: warning, read-only, suspension or ban.
error-reason-required = Give a reason: the person will see it.
error-reason-too-long = The text cannot be longer than 1,000 characters.
error-until-required = Say until which date.
error-until-invalid = This date is not valid (format YYYY-MM-DD).
error-until-past = This date has already passed: choose a date to come.
error-note-required = The note is empty.
sanction-kind-warn = Warning
sanction-kind-silence = Read-only
sanction-kind-suspend = Suspension
sanction-kind-ban = Ban
notice-sanction-applied = The sanction is in force; the person’s sessions were closed (except for a warning).
notice-sanctions-lifted = The current sanctions were lifted.
notice-note-added = The note was added.
modlog-action-warn = Warning
modlog-action-silence = Read-only
modlog-action-suspend = Suspension
modlog-action-ban = Ban
modlog-action-lift = Sanctions lifted
modlog-action-note = Moderator note
mod-avatar-heading = Profile picture
mod-avatar-alt = The picture { $name } uploaded
mod-avatar-reason = Reason (shown in the moderation log)
mod-avatar-remove = Remove the picture
mod-avatar-none = No uploaded picture: the drawn avatar is shown.
notice-mod-avatar-removed = The picture was removed; the drawn avatar is shown instead.
notice-mod-no-avatar = There was no picture to remove.
modlog-action-remove_avatar = Profile picture removed
mod-person-title = Moderation: { $username }
mod-history-heading = Sanctions and warnings
mod-history-empty = No sanction or warning.
mod-active = in force
mod-lifted = lifted on
mod-until = until
mod-lift-reason-label = Reason for lifting (optional)
mod-lift-submit = Lift the current sanctions
mod-sanction-heading = Sanction
mod-sanction-kind-label = Sanction
mod-sanction-until-label = Until
mod-sanction-until-hint = For read-only and suspension. A warning has no date, a ban no end.
mod-sanction-reason-label = Reason
mod-sanction-reason-hint = The person will see this reason.
mod-sanction-submit = Apply
mod-notes-heading = Moderators’ notes
mod-notes-intro = Seen only by the moderation team.
mod-notes-empty = No notes.
mod-note-label = New note
mod-note-submit = Add the note
profile-moderate-link = Moderate this account
nav-modlog = Moderation
modlog-title = Moderation log
modlog-public-title = Moderation transparency
modlog-staff-intro = Every action of the moderation team, with who took it and why.
modlog-public-intro = This forum’s moderation decisions, without the names of who took them or any hidden content.
modlog-col-when = Date
modlog-col-moderator = By
modlog-col-action = Action
modlog-col-target = About
modlog-col-until = Until
modlog-col-reason = Reason
modlog-empty = No moderation action yet.
silenced-banner = Your account is read-only: you can read, not post.
settings-moderation-heading = Messages from the moderators
settings-moderation-intro = The warnings and sanctions about you, with their reasons.
error-slow-mode = This thread is in slow mode: wait a little before posting again.
error-moderation-action = Unknown moderation action.
error-slow-mode-minutes = Give a number of minutes between 0 (off) and 1,440.
thread-slow-mode-notice = Slow mode: one post per person every { $minutes } minutes.
thread-pinned-until = Pinned until
mod-tools-summary = Moderation tools
mod-lock = Lock
mod-unlock = Unlock
mod-pin = Pin
mod-unpin = Unpin
mod-pin-until-label = Pin until (optional)
mod-move-label = Move to the board
mod-move = Move
mod-rename-label = New title
mod-rename = Rename
mod-city-label = City (empty for none)
mod-city = Change city
mod-slow-label = Slow mode: minutes between two posts by one person (0 to turn off)
mod-slow = Apply
modlog-action-lock = Thread locked
modlog-action-unlock = Thread unlocked
modlog-action-pin = Thread pinned
modlog-action-unpin = Thread unpinned
modlog-action-move = Thread moved
modlog-action-rename = Thread renamed
modlog-action-city = Thread city changed
modlog-action-slow_mode = Slow mode
post-deleted-by-staff = Post deleted by the moderators.
post-hidden-placeholder = Post hidden by the moderators.
post-hidden-notice = Hidden post: only its author and the moderators see it
thread-hidden-notice = Hidden thread: only its author and the moderators see it
post-history-link = History
post-history-title = History of post #{ $number }
post-history-intro = The earlier versions, newest first. Seen by the moderators only.
post-history-version = Version { $version }
post-history-empty = This post has no earlier version.
post-history-back = Back to the post
mod-hide = Hide
mod-restore = Restore
mod-hide-reason-label = Reason for hiding
mod-delete = Delete for good
mod-delete-reason-label = Reason for deleting
mod-hide-thread = Hide the thread
mod-restore-thread = Restore the thread
modlog-action-hide = Thread hidden
modlog-action-restore = Thread restored
modlog-action-hide_post = Post hidden
modlog-action-restore_post = Post restored
modlog-action-delete_post = Post deleted

## Governance: site settings, registration, limits
error-setting-unknown = There is no such setting.
error-setting-required = This field is required.
error-setting-too-long = This text is too long.
error-setting-number = Give a whole, positive number within the stated bounds.
error-setting-flag = Say yes or no.
error-setting-language = Choose “fr” or “en”.
error-setting-mode = Choose a registration mode from the list.
error-new-account-links = New accounts cannot put that many links in one post. Remove a few, or wait a few days.
error-new-account-mentions = New accounts cannot mention that many people in one post.
error-posting-rate = You have reached the limit of { $per_hour } posts per hour. Try again in { $minutes } min; your text is kept.
error-registration-closed = Registration is closed for now.
error-invite-required = Registration is by invitation: use the link you were given.
error-invite-invalid = This invitation link is no longer valid (expired, revoked or used as many times as planned).
error-answer-required = Answer the question: the administrators read every application.
error-answer-too-long = Your answer is too long (2,000 characters at most).
error-application-pending = Your application is still waiting for an administrator’s decision. You will get an email.
error-invite-uses = Give a number of uses between 1 and 1,000.
error-invite-days = Give a duration between 1 and 365 days.
error-invite-note = The note is too long (200 characters at most).
register-closed = Registration is closed for now.
register-invite-only = Registration is by invitation only. If a group invited you, use the link they gave you.
register-invite-bad = This invitation link is no longer valid.
register-invited = You have been invited: create your account below.
register-approval-intro = New accounts are approved by the administrators: answer their question, they will write to you.
register-answer-hint = Only the administrators read your answer.
register-sent-approval-message = We sent a message to the address you gave: follow the link to confirm it. The administrators will then review your application and answer by email.
register-pending-title = Application sent
register-pending-message = Your application has been received. The administrators will review it and answer by email.

## Governance: administration pages, reports
nav-reports = Reports
post-report = Report
post-report-label = Report post #{ $number }
admin-nav-label = Administration pages
admin-nav-boards = Boards
admin-nav-settings = Site settings
admin-nav-users = Staff and roles
admin-nav-applications = Applications
admin-nav-invites = Invitations
admin-nav-mail = Email

admin-settings-title = Site settings
admin-settings-intro = These settings apply as soon as they are saved, and every change is recorded in the moderation log.
admin-settings-saved = The settings have been saved.
admin-settings-has-errors = Nothing was saved: correct the fields marked below, then save again.
admin-settings-site-legend = The site
admin-settings-site-name = Site name
admin-settings-site-name-hint = Shown at the top of every page, in page titles and in emails (80 characters at most).
admin-settings-description = Description
admin-settings-description-hint = One or two sentences under the home page heading (500 characters at most). Shown in French, and in English too while no English description is given.
admin-settings-description-en = Description in English (optional)
admin-settings-description-en-hint = Shown to people who read the forum in English. Leave empty to show the French description.
admin-settings-default-language = Default language
admin-settings-default-language-hint = For people who have not chosen a language and whose browser asks for neither French nor English.
admin-settings-registration-legend = Registration
admin-settings-mode = Who can open an account?
admin-settings-mode-open = Open to everyone
admin-settings-mode-approval = With approval
admin-settings-mode-invite = By invitation
admin-settings-mode-closed = Closed
admin-settings-mode-open-hint = Anyone can open an account.
admin-settings-mode-approval-hint = Applicants answer the question below; an administrator approves or rejects each application on the Applications page. Invitation links still work.
admin-settings-mode-invite-hint = Only people with an invitation link can sign up. Create links on the Invitations page.
admin-settings-mode-closed-hint = Nobody can sign up, not even with an invitation. Existing accounts are not affected.
admin-settings-question = Question asked of applicants
admin-settings-question-hint = Asked in approval mode (500 characters at most), for example: “Which group told you about this forum?”. Do not leave it empty in that mode.
admin-settings-limits-legend = New accounts and posting limits
admin-settings-limits-intro = None of these limits apply to staff (administrators, moderators, board moderators).
admin-settings-new-account-days = How long an account counts as new (in days)
admin-settings-new-account-days-hint = During these days the new-account limits apply, and the account’s reports never hide a post automatically. 0 turns the new-account limits off (365 at most).
admin-settings-new-account-posts = Posts per hour for a new account
admin-settings-new-account-posts-hint = 0: no separate limit for new accounts (the limit for all members still applies).
admin-settings-new-account-links = Links per post for a new account
admin-settings-new-account-links-hint = 0 forbids links for new accounts. To leave them unlimited, give a large number (1,000 at most).
admin-settings-new-account-mentions = Mentions (@name) per post for a new account
admin-settings-new-account-mentions-hint = 0 forbids mentions for new accounts. To leave them unlimited, give a large number (1,000 at most).
admin-settings-member-posts = Posts per hour for all members
admin-settings-member-posts-hint = 0: no limit. When both limits apply to a new account, the lower one wins.
admin-settings-reports-legend = Reports and transparency
admin-settings-auto-hide = Reports that hide a post until the moderators review it
admin-settings-auto-hide-hint = How many different trusted members (account no longer new, address confirmed, not silenced) must report a post for it to be hidden until review. 0: never.
admin-settings-public-modlog = Make the moderation log public
admin-settings-public-modlog-hint = Anyone, even without an account, can then read the “Moderation transparency” page: the decisions, without the names of those who took them, the reasons or the hidden content.
admin-settings-submit = Save settings

admin-applications-title = Applications
admin-applications-intro = These people are waiting for a decision, oldest application first. They get an email either way.
admin-applications-not-approval = Registration is not in approval mode: no new applications will come in. You can still decide on the pending ones.
admin-applications-email = Email address
admin-applications-date = Applied on
admin-applications-answer = Answer to the question
admin-applications-reason-label = Message to the applicant (optional)
admin-applications-reason-hint = Added to the email telling them your decision, and recorded in the moderation log.
admin-applications-approve = Approve
admin-applications-reject = Reject
admin-applications-reject-hint = Rejecting deletes the pending account and its data; the applicant is told by email.
admin-applications-empty = No pending applications.

admin-invites-title = Invitations
admin-invites-intro = An invitation link lets someone open an account when registration is by invitation, and without waiting for approval when registration is with approval.
admin-invites-mode-closed = Registration is closed: invitation links do not work while it stays closed.
admin-invites-mode-open = Registration is open to everyone: nobody needs an invitation for now.
admin-invites-mode-approval = Registration is with approval: someone with an invitation does not wait for it.
admin-invites-created = The invitation link is ready. Copy it now and pass it on to the people you are inviting.
admin-invites-created-label = Invitation link
admin-invites-created-once = It will never be shown again: the forum only keeps a fingerprint of it. If you lose it, revoke this invitation and create another.
admin-invites-new-heading = New invitation
admin-invites-max-uses = Number of uses
admin-invites-max-uses-hint = How many accounts this link can open, from 1 to 1,000.
admin-invites-days = Valid for (days)
admin-invites-days-hint = From 1 to 365 days.
admin-invites-note = Note (optional)
admin-invites-note-hint = To help you keep track, for example the group invited (200 characters at most). Only staff see it, here and in the moderation log.
admin-invites-submit = Create the invitation link
admin-invites-list-heading = Recent invitations
admin-invites-col-note = Note
admin-invites-col-created = Created
admin-invites-col-uses = Uses
admin-invites-col-expires = Expires
admin-invites-col-status = Status
admin-invites-by = by { $username }
admin-invites-status-active = Active
admin-invites-status-revoked = Revoked on
admin-invites-status-used-up = Used up
admin-invites-status-expired = Expired
admin-invites-revoke = Revoke
admin-invites-revoke-label = Revoke the invitation “{ $note }”
admin-invites-revoke-label-id = Revoke invitation #{ $id }
admin-invites-empty = No invitations yet.

admin-users-title = Staff and roles
admin-users-intro = Administrators can do everything, moderators act on every board, and a member can moderate chosen boards only.
admin-users-done = The change has been saved.
admin-users-search-label = Find an account by username
admin-users-search-submit = Search
admin-users-not-found = There is no account named “{ $username }”.
admin-users-current-role = Current role:
admin-users-profile-link = Profile
admin-users-role-heading = Role
admin-users-role-self = You cannot change your own role: ask another administrator.
admin-users-role-label = New role
admin-users-role-hint = Member: no special rights. Moderator: hide, lock, move and sanction on every board. Administrator: also the site settings, boards, registration and roles.
admin-users-role-submit = Change role
admin-users-boards-heading = Board moderation
admin-users-boards-intro = A member can moderate chosen boards only: they get the moderation tools and handle the reports there.
admin-users-boards-staff = This account’s role already covers every board; the boards chosen here only matter if it becomes a plain member again.
admin-users-col-moderates = Moderates this board
admin-users-moderates-yes = Yes
admin-users-moderates-no = No
admin-users-board-add = Add
admin-users-board-add-label = Add { $username } as a moderator of the board “{ $board }”
admin-users-board-remove = Remove
admin-users-board-remove-label = Remove { $username } as a moderator of the board “{ $board }”
admin-users-staff-heading = Current staff
admin-users-col-role = Role
admin-users-col-boards = Boards moderated
admin-users-all-boards = All boards
admin-users-manage = Manage
admin-users-manage-label = Manage the role of { $username }
admin-users-moderate = Moderate
admin-users-moderate-label = Moderate the account of { $username }
admin-users-staff-empty = Nobody on the staff yet.

report-title = Report post #{ $number }
report-heading = Report a post
report-subtitle = Post #{ $number } in “{ $title }”
report-intro = Only the moderators will know you reported this post. They will review it as soon as they can; an email will tell you when it is done, if your notification settings allow it.
report-reason-legend = Why are you reporting this post?
report-reason-spam = Spam or advertising
report-reason-abuse = Harassment, insults or hate speech
report-reason-off_topic = Off topic
report-reason-illegal = Illegal content
report-reason-other = Another reason (please explain)
report-text-label = Details (optional, except for “Another reason”)
report-text-hint = What is wrong, in 1,000 characters at most. Only the moderators will read it.
report-submit = Send the report
report-back-to-post = Back to the post
report-sent-title = Report sent
report-sent-message = Thank you: the moderators will review this post.
error-report-duplicate = You have already reported this post; the moderators have not reviewed it yet.
error-report-own = You cannot report your own posts.
error-report-reason = Choose why you are reporting this post.
error-report-text-required = With “Another reason”, explain what is wrong.
error-report-too-long = The details cannot be longer than 1,000 characters.
error-board-role-action = Choose whether to add or remove the moderation of this board.
error-decision = Choose to approve or reject the application.
error-role = Choose a role: member, moderator or administrator.
error-role-self = You cannot change your own role.

mod-reports-title = Open reports
mod-reports-intro = Reported posts, oldest report first. Resolving a post closes all its reports; everyone who reported it is told by email.
mod-reports-done = The reports have been resolved.
mod-reports-empty = No open reports.
mod-reports-post = Post #{ $number } — { $title }
mod-reports-by = By
mod-reports-author-link = Sanctions and notes for { $username }
mod-reports-auto-hidden = This post was hidden automatically after being reported. “Dismiss” restores it.
mod-reports-hidden = This post is already hidden.
mod-reports-reports-heading =
    { $count ->
        [one] { $count } report
       *[other] { $count } reports
    }
mod-reports-reason-count = { $reason }: { $count }
mod-reports-first = first reported on
mod-reports-form-label = Resolve the reports on post #{ $number } — { $title }
mod-reports-reason-label = Reason
mod-reports-reason-hint = Required to hide or sanction (optional to dismiss): the author sees it with the hidden post, a sanctioned person sees it too. Recorded in the moderation log.
mod-reports-sanction-legend = Sanction for the author
mod-reports-sanction-hint = This sanction applies only with the “Hide and sanction the author” button.
mod-reports-hide = Hide the post
mod-reports-dismiss = Dismiss
mod-reports-dismiss-hint = “Dismiss” closes the reports and changes nothing, except that a post hidden automatically by reports is restored.
mod-reports-sanction = Hide and sanction the author

modlog-action-settings = Site settings changed
modlog-action-invite = Invitation created
modlog-action-revoke_invite = Invitation revoked
modlog-action-approve = Application approved
modlog-action-reject = Application rejected
modlog-action-role = Role changed
modlog-action-add_board_moderator = Board moderator added
modlog-action-remove_board_moderator = Board moderator removed
modlog-action-auto_hide_post = Post hidden by reports
modlog-action-resolve_reports_hidden = Reports resolved: post hidden
modlog-action-resolve_reports_dismissed = Reports dismissed
modlog-action-resolve_reports_sanctioned = Reports resolved: post hidden and author sanctioned
post-hidden-by-reports = hidden automatically after several reports, until a moderator reviews it
error-setting-question-required = Approval mode needs a question for applicants to answer.

## Manifesto (public page, signing, confirmation)

nav-manifesto = Manifesto
manifesto-title = Manifesto
manifesto-staff-pending =
    { $count ->
        [one] One organisation is waiting to be checked before it is listed.
       *[other] { $count } organisations are waiting to be checked before they are listed.
    }
manifesto-staff-none = No organisation is waiting to be checked.
manifesto-admin-edit = Edit the manifesto’s text
manifesto-signatories-heading = Signatories
manifesto-people-count =
    { $count ->
        [0] Nobody has signed this manifesto yet.
        [one] One person has signed this manifesto.
       *[other] { $count } people have signed this manifesto.
    }
manifesto-sign-heading = Sign the manifesto
manifesto-sign-intro = One signature per email address. We send you a link to confirm your signature; your address is never published or used for anything else.
manifesto-kind-legend = You are signing
manifesto-kind-person = As yourself
manifesto-kind-person-hint = Your signature adds to the number of signatories; your name is not published.
manifesto-kind-organisation = On behalf of an organisation
manifesto-kind-organisation-hint = An association, a collective, a union, a media outlet… Its name will appear on the public list once the moderation team has checked the signature.
manifesto-field-name = Name
manifesto-name-hint = The organisation’s name, or your name or a pseudonym (at most 120 characters).
manifesto-field-website = The organisation’s website (optional)
manifesto-website-hint = Organisations only: an http:// or https:// address, which the organisation’s name will link to.
manifesto-field-city = City (optional)
manifesto-city-hint = People only: the city you live in, if you wish. It is not published.
manifesto-field-email = Email address
manifesto-email-hint = Never published: it is only used to confirm your signature.
manifesto-submit = Sign the manifesto
manifesto-organisations-heading = Signing organisations
manifesto-organisations-empty = No organisation has been listed yet.
manifesto-sent-title = Check your mailbox
manifesto-sent-message = An email has just been sent to the address you gave. Follow its instructions to confirm your signature: the link in it is valid for 7 days. Unconfirmed signatures are not counted.
manifesto-back = Back to the manifesto
manifesto-confirmed-title = Signature confirmed
manifesto-confirmed-person = Thank you! Your signature is confirmed and adds to the number of signatories.
manifesto-confirmed-organisation = Thank you! Your organisation’s signature is confirmed. It will appear on the public list as soon as the moderation team has checked it.
manifesto-link-invalid-message = This confirmation link is not valid: it has already been used, was replaced by a newer one, or never existed. If you have already confirmed your signature, it is recorded.
manifesto-link-expired-title = Link expired
manifesto-link-expired-message = This confirmation link has expired: it was only valid for 7 days. Sign again to get a new one.
manifesto-sign-again = Sign again
error-manifesto-kind = Say whether you are signing as yourself or on behalf of an organisation.
error-manifesto-name-required = Enter a name.
error-manifesto-name-too-long = This name is too long (at most 120 characters).
error-manifesto-website-invalid = This address is not valid: enter a website address starting with http:// or https://.
error-manifesto-website-too-long = This address is too long (at most 300 characters).
error-manifesto-city-too-long = This city name is too long (at most 80 characters).
error-manifesto-honeypot = The signature could not be recorded. Fill in the form yourself, without autofill, and try again.
error-manifesto-text-required = The French text cannot be empty.
error-manifesto-text-too-long = This text is too long (at most 20,000 characters).
error-manifesto-decision = Choose whether to list or reject this signature.

## Manifesto (administration and moderation)

admin-manifesto-title = Manifesto text
admin-manifesto-intro = The text is written in Markdown. As soon as it is saved, every visitor sees the new version. Each change is written to the moderation log.
admin-manifesto-view = View the manifesto page
admin-manifesto-moderation-link = Signing organisations to check
admin-manifesto-text-fr = French text
admin-manifesto-text-fr-hint = Required, at most 20,000 characters. Markdown: “# Title”, “## Heading”, lists starting with “- ”, **bold**, [link](https://example.org).
admin-manifesto-text-en = English text
admin-manifesto-text-en-hint = Optional: when empty, the English page shows the French text.
admin-manifesto-save = Save the text
admin-manifesto-saved = The manifesto’s text is saved.
mod-manifesto-title = Organisations signing the manifesto
mod-manifesto-intro = An organisation that confirmed its signature only appears on the manifesto page once you have checked it: make sure it exists and that the website given is really its own. The email address is only visible to the team.
mod-manifesto-page-link = View the manifesto page
mod-manifesto-pending-heading = Waiting to be checked
mod-manifesto-pending-empty = No organisation is waiting to be checked.
mod-manifesto-approved-heading = Listed
mod-manifesto-approved-empty = No organisation is listed yet.
mod-manifesto-website = Website
mod-manifesto-no-website = none
mod-manifesto-email = Contact address
mod-manifesto-confirmed-at = Signature confirmed on
mod-manifesto-approved-at = listed on
mod-manifesto-approve = List it
mod-manifesto-reject = Reject
mod-manifesto-reject-hint = Rejecting deletes the signature; the organisation is not told.
mod-manifesto-remove = Remove
mod-manifesto-remove-label = Remove { $name } from the list (the signature is deleted)
mod-manifesto-done-approve = The organisation now appears on the manifesto page.
mod-manifesto-done-reject = The signature has been deleted.
modlog-action-manifesto_text = Manifesto text changed
modlog-action-manifesto_approve = Organisation signature listed
modlog-action-manifesto_reject = Organisation signature deleted
error-setting-url = Give a full web address (http:// or https://).

## Observatory: errors
error-review-decision = Choose to publish or reject the proposal.
error-deployment-required = This field is required.
error-deployment-too-long = This text is too long.
error-deployment-status = Choose a status from the list.
error-deployment-date = Give a real date, to the month (YYYY-MM) or the day (YYYY-MM-DD).
error-deployment-end-before-start = The end cannot come before the start.
error-deployment-too-many = That is too many for one deployment.
error-deployment-source-url = Every source needs a full web address (http:// or https://).
error-deployment-source-date = A source’s date is to the month (YYYY-MM) or the day (YYYY-MM-DD).
error-deployment-technology = Choose a technology from the catalogue.
error-deployment-source-required = A deployment cannot be published without at least one source.

## Urban surveillance observatory

nav-observatory = Observatory
observatory-title = Urban surveillance observatory
observatory-intro = A sourced, collaborative record of the surveillance systems deployed in the cities of France, Belgium, Switzerland and Luxembourg: algorithmic video surveillance, facial recognition, sound sensors, drones… Every entry cites its sources and every change is reviewed before publication.
observatory-propose = Propose a deployment
observatory-proposals = Pending proposals
observatory-login-to-propose = Sign in to propose a deployment
observatory-back = Back to the observatory
observatory-author-unknown = deleted account
observatory-summary-heading = The observatory in figures
observatory-summary-total =
    { $count ->
        [0] No deployment has been published yet.
        [one] One published deployment.
       *[other] { $count } published deployments.
    }
observatory-by-technology = Published deployments by technology
observatory-by-status = Published deployments by status
observatory-count-heading = Deployments
observatory-count-link =
    { $count ->
        [one] See the deployment: { $name }
       *[other] See the { $count } deployments: { $name }
    }
observatory-filters-heading = Filter deployments
observatory-filter-all = All
observatory-filter-country = Country
observatory-filter-region = Region or canton
observatory-filter-city-hint = The city’s identifier, for example “nice”.
observatory-filter-submit = Filter
observatory-filter-reset = Clear filters
observatory-sort-label = Sort by
observatory-sort-updated = Last updated
observatory-sort-city = City
observatory-sort-technology = Technology
observatory-sort-status = Status (most advanced first)
observatory-sort-started = Start date (most recent first)
country-fr = France
country-be = Belgium
country-ch = Switzerland
country-lu = Luxembourg
observatory-map-title = Map of deployments
observatory-map-description =
    Map of France, Belgium, Switzerland and Luxembourg: { $count ->
        [0] no city has a matching published deployment.
        [one] one city has published deployments, marked by a circle sized by their number and coloured by the most advanced status.
       *[other] { $count } cities have published deployments, each marked by a circle sized by their number and coloured by the most advanced status.
    }
observatory-map-mark =
    { $city } — { $count ->
        [one] one deployment
       *[other] { $count } deployments
    } (most advanced status: { $status })
observatory-map-full = Show the large map
observatory-map-list-link = List of the cities on the map
observatory-map-intro = Each mark is a city: its size follows the number of published deployments, its shape and colour the most advanced status (see the legend). Select a mark to open the city’s page. The list below the map gives the same information.
observatory-map-filtered = This map only shows the deployments matching the chosen filters.
observatory-map-back = Back to the list of deployments
observatory-map-svg = Download the map (SVG)
observatory-cities-heading = Cities concerned
observatory-cities-status = Most advanced status
observatory-cities-empty = No city to show.
observatory-list-heading = Deployments
observatory-shown =
    { $shown ->
        [0] No published deployment.
        [one] One published deployment.
       *[other] { $shown } published deployments.
    }
observatory-shown-filtered =
    { $shown ->
        [0] No deployment matches
        [one] One deployment matches
       *[other] { $shown } deployments match
    } the filters, out of { $total } published.
observatory-list-empty = No deployment has been published yet. Propose the first one!
observatory-list-empty-filtered = No published deployment matches these filters.
observatory-data-heading = Open data
observatory-data-intro = All the observatory’s published data can be downloaded and reused:
observatory-data-intro-filtered = The data matching the chosen filters can be downloaded and reused:
observatory-export-csv = Spreadsheet (CSV)
observatory-export-geojson = Geographic data (GeoJSON)
observatory-export-atom = Feed of updates (Atom)
observatory-licence = Data published under the licence
observatory-export-title = Urban surveillance observatory — { $site }
observatory-export-attribution = City data: GeoNames, geonames.org (CC BY 4.0). Country outlines: Natural Earth, naturalearthdata.com (public domain).
observatory-done-proposed = Thank you! Your proposal is saved. It will be published once the documentation team has reviewed it; until then only you and the team can see it.
observatory-done-proposed-duplicate = Your proposal is saved, but a published deployment looks the same (same city, technology and title). Please check it before the review: if it is the same one, propose a change to the existing entry instead.
observatory-done-edit-proposed = Thank you! Your change is saved; it will be published once reviewed.
observatory-done-published = The proposal is published.
observatory-done-rejected = The proposal is rejected; its author sees the reason in the history.

## Observatory: a deployment's page

deployment-status-announced = announced
deployment-status-trial = on trial
deployment-status-deployed = deployed
deployment-status-suspended = suspended
deployment-status-abandoned = abandoned
deployment-status-ruled_unlawful = ruled unlawful
deployment-field-title = Title
deployment-field-technology = Technology
deployment-field-city = City
deployment-field-status = Status
deployment-field-started = Start
deployment-field-ended = End
deployment-field-companies = Companies
deployment-field-funding = Funding
deployment-field-description = Description
deployment-field-sources = Sources
deployment-period-heading = Period
deployment-period = { $started } – { $ended }
deployment-since = since { $started }
deployment-none-known = not known
deployment-updated = Last updated
deployment-unpublished = This deployment is not published yet: only the person who proposed it and the documentation team can see it.
deployment-sources-empty = No source yet: a deployment cannot be published without at least one source.
deployment-source-archive = archived copy
deployment-source-archive-label = Archived copy of “{ $title }”
deployment-discussion = Discussion on the forum
deployment-history = History
deployment-propose-change = Propose a change
deployment-login-to-propose = Sign in to propose a change
deployment-pending-heading = Proposals awaiting review
deployment-pending-own = Your pending proposals: the documentation team will review them before publication.
deployment-back = Back to the entry
deployment-history-title = History: { $title }
deployment-history-intro = Every published version, with what changed from the previous one. Rejected and pending proposals are only shown to their author and the documentation team.
deployment-history-empty = No version to show.
revision-heading = Revision #{ $id }
revision-by = Proposed by
revision-note = What changes and why:
revision-published-by = Published by
revision-reviewed-by = Reviewed by
revision-review-reason = Reason:
revision-state-pending = pending
revision-state-published = published
revision-state-rejected = rejected
revision-changes-caption = Changes, field by field
revision-field = Field
revision-before = Before
revision-after = After
revision-empty = (empty)
revision-no-changes = No field changes.
revision-restore = Restore this version
review-reason = Reason (optional when publishing)
review-reason-hint = Shown to the person who made the proposal and in the history (1,000 characters at most).
review-publish = Publish
review-reject = Reject

## Observatory: the proposal form

deployment-form-new-title = Propose a deployment
deployment-form-edit-title = Edit: { $title }
deployment-form-intro = Describe a surveillance system in a city: what it is, how far it has gone, who supplies it and who pays for it, based on verifiable sources (articles, council decisions, public contracts, official documents).
deployment-form-sources-needed = At least one source is needed for the entry to be published.
deployment-form-review-notice = Your proposal will be reviewed by the documentation team before it is published.
deployment-form-what-legend = The deployment
deployment-form-choose = Choose…
deployment-field-title-hint = Short and precise, for example “Algorithmic video surveillance on public transport” (160 characters at most).
deployment-field-date-hint = To the month (YYYY-MM, for example 2024-03) or the day (YYYY-MM-DD).
deployment-field-ended-hint = Leave empty if the system is still in place. To the month (YYYY-MM) or the day (YYYY-MM-DD).
deployment-field-companies-hint = The companies that supply or operate the system, separated by commas (10 at most).
deployment-field-funding-hint = Amount and funders, if known (for example “€1.2M, of which €400,000 from the State”).
deployment-field-description-hint = In Markdown: **bold**, *italic*, [link](https://example.org), lists starting with “- ”.
deployment-field-sources-hint = For each source: its address (http:// or https://) and its title; the publisher, date and an archived copy (for example on web.archive.org) are optional. Leave unused rows empty.
deployment-source-legend = Source { $number }
deployment-source-url = Address
deployment-source-title = Title
deployment-source-publisher = Publisher (optional)
deployment-source-date = Date (optional)
deployment-source-archive-url = Archived copy (optional)
deployment-source-archive-hint = The address of an archived copy of the page, in case it disappears.
deployment-field-note = What changes and why
deployment-field-note-hint = Helps the review (500 characters at most), for example “status updated after the council decision of 12 March”.
deployment-form-submit-new = Send the proposal
deployment-form-submit-edit = Send the change
deployment-form-cancel = Cancel

## Observatory: proposals, companies, cities

observatory-queue-title = Pending proposals
observatory-queue-intro-reviewer = Proposals from all members, oldest first. Open an entry to review its changes, then publish or reject it.
observatory-queue-intro-member = Your proposals awaiting review by the documentation team.
observatory-queue-kind = Kind
observatory-queue-kind-new = new deployment
observatory-queue-kind-edit = change
observatory-queue-author = Proposed by
observatory-queue-date = Date
observatory-queue-empty-reviewer = No proposal is awaiting review.
observatory-queue-empty-member = You have no pending proposal.
company-breadcrumb = Companies
company-subtitle = A company named by the observatory
company-website = Company website
company-deployments-heading = Deployments by { $name }, in every city
company-deployments-empty = No published deployment names this company.
company-map-link = See these deployments on the map
city-dossier-heading = Surveillance dossier: { $city }
city-dossier-sources = Sources:
city-dossier-all = These deployments in the observatory
city-dossier-propose-more = Propose another deployment
city-dossier-empty = No deployment is documented in { $city } yet.
city-dossier-propose = Propose a deployment

## Settings: observatory

admin-settings-observatory-legend = Observatory
admin-settings-observatory-board = Observatory board (identifier)
admin-settings-observatory-board-hint = The identifier of the board where each published deployment gets its discussion thread; its moderators review proposals together with the global moderators.
admin-settings-data-licence = Data licence
admin-settings-data-licence-hint = The name of the licence stated on the exports (CSV, GeoJSON, Atom), for example “CC BY-SA 4.0” (80 characters at most).
admin-settings-data-licence-url = Licence address
admin-settings-data-licence-url-hint = The full address of the licence text (http:// or https://).
modlog-action-deployment_publish = Deployment published
modlog-action-deployment_reject = Deployment proposal rejected
modlog-action-deployment_revert = Deployment restored to an earlier version
city-dossier-none = No deployment is documented in this city yet.
admin-technologies-title = Observatory technologies
admin-technologies-intro = The catalogue every deployment is filed under.
admin-technologies-saved = The catalogue has been saved.
admin-technologies-name = Name (French)
admin-technologies-name-en = Name (English)
admin-technologies-description = Description (French)
admin-technologies-description-en = Description (English)
admin-technologies-save = Save
admin-technologies-add = Add a technology
admin-technologies-slug = Identifier
admin-technologies-slug-hint = Lower case, no spaces: it appears in addresses and exports, and never changes.
admin-technologies-create = Add
admin-nav-technologies = Technologies
error-technology-slug = Give an identifier made of letters, digits and hyphens.
error-technology-taken = This identifier is already used.
modlog-action-technology = Technology catalogue changed
modlog-action-company = Company record changed
revision-note-revert = Back to version #{ $revision }
admin-nav-manifesto = Manifesto
company-edit-heading = Complete the record
company-edit-description = Description
company-edit-website = Website
company-edit-website-hint = A full http:// or https:// address, or nothing.
company-edit-save = Save the record
error-deployment-title-short = The title needs at least 3 characters.

## Site settings: local groups
admin-settings-groups-legend = Local groups
admin-settings-group-creation = Who may create a group
admin-settings-group-creation-members = Any member with a verified address
admin-settings-group-creation-staff = Moderators and administrators only
admin-settings-group-creation-off = Nobody (existing groups go on)
admin-settings-group-creation-hint = Whoever creates a group becomes its first coordinator.

## Group boards (the forum's side)
breadcrumb-groups = Groups
board-private-badge = members only
board-followers-badge = followers only
board-followers-note = Its server is limited here: only the members who follow this board read it.
board-members-post-only = Only the group's members write here.
error-group-members-only = Only the group's members may write in its boards.
settings-groups-heading = My groups
settings-groups-coordinator = coordinator
settings-groups-manage = manage
settings-groups-none = You are not a member of any local group.
settings-groups-browse = Browse the groups
