# Local groups: directory, a group's page, joining, administration, mails.

group-error-name-short = The name must be at least 3 characters long.
group-error-name-long = The name must not exceed 80 characters.
group-error-website = Give a full web address (http:// or https://).
group-error-description-long = The description is too long.
group-error-message-long = The message must not exceed 1000 characters.
group-error-choice = Unknown choice.
group-error-slug-taken = This identifier is already taken.
group-error-already-member = You are already a member of this group.
group-error-already-requested = Your request is already waiting.
group-error-last-coordinator = A group always keeps at least one coordinator.
group-error-request-gone = This request is no longer waiting (withdrawn or already decided).
group-error-invite-invalid = This invitation is unknown, expired, revoked or used up.
group-error-invite-needed = This group is joined by invitation only.
group-error-members-only = For the group's members only.
group-error-creation-off = Creating groups is closed on this site.
group-error-creation-staff = Only the site's staff may create groups.

groups-title = Local groups
groups-intro = The local groups organising near you.
groups-search = Search
groups-search-label = Name starting with
groups-city-label = City (identifier)
groups-none = No group matches.
groups-next = More groups
groups-new = Create a group
groups-members-count = { $count ->
    [one] { $count } member
   *[other] { $count } members
}

group-new-title = Create a group
group-field-name = Name
group-field-slug = Identifier (address)
group-field-city = City
group-field-description = Description (Markdown)
group-field-website = Website
group-field-visibility = Visibility
group-field-join-policy = Joining
group-visibility-public = Public (in the directory)
group-visibility-unlisted = Unlisted (reachable by its link)
group-policy-open = Open
group-policy-request = On request
group-policy-invite = By invitation
group-create = Create the group
group-save = Save
group-form-errors = The form has errors.

group-coordinators = Coordinators
group-boards = The group's boards
group-board-private = private
group-join = Join the group
group-request = Ask to join
group-request-message = Message to the coordinators (optional)
group-pending = Your request is waiting.
group-withdraw = Withdraw my request
group-you-member = You are a member of this group.
group-you-coordinator = You coordinate this group.
group-leave = Leave the group
group-invite-only = This group is joined by invitation.
group-login-to-join = Log in to join this group.
group-members-link = Members
group-admin-link = Administration
group-website = Website

group-members-title = Members of { $group }
group-role-coordinator = coordinator
group-role-member = member

group-admin-title = Manage { $group }
group-admin-settings = Settings
group-admin-requests = Waiting requests
group-admin-no-requests = No request is waiting.
group-approve = Approve
group-refuse = Refuse
group-reason = Reason (optional)
group-admin-invites = Invitations
group-invite-uses = Maximum uses
group-invite-days = Valid for (days)
group-invite-create = Create an invitation
group-invite-created = Invitation created. Copy this link now, it will not be shown again:
group-invite-usable = usable
group-invite-dead = unusable
group-invite-revoke = Revoke
group-invite-status = { $uses } / { $max } uses, expires { $expires }
group-admin-boards = Boards
group-board-slug = Identifier
group-board-name = Name
group-board-visibility = Visibility
group-board-public = Public
group-board-private-option = Private (members)
group-board-create = Create the board
group-admin-private-reads = Reads by the site's staff
group-private-reads-intro = The site's moderators read a thread of your private boards only after one of your members reported a post in it. Each read is listed here, the latest first (the last 50).
group-private-reads-none = The site's staff have read none of your private threads.
group-private-read-verb = read
group-private-read-deleted = A deleted account
group-admin-members = Members
group-make-coordinator = Make coordinator
group-make-member = Make member
group-remove = Remove from the group

group-invitation-title = Invitation to join { $group }
group-invitation-invalid = This invitation is no longer valid.
group-invitation-join = Join with this invitation

email-group-approved-subject = Welcome to { $group }
email-group-approved-heading = Your request is approved
email-group-approved-intro = Your request to join { $group } was approved.
email-group-refused-subject = Your request for { $group }
email-group-refused-heading = Your request was not approved
email-group-refused-intro = Your request to join { $group } was not approved.
email-group-reason = Message from the coordinators:
email-group-open = See the group
