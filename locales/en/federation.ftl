# Federation: the administrators' page (/admin/federation) and the moderation log's words for it.
admin-nav-federation = Federation
federation-admin-title = Federation
federation-admin-on = Federation is on: public boards, public groups and members are ActivityPub actors.
federation-admin-off = Federation is off (federation.enabled): these policies apply once it is turned on.
federation-admin-allowlist = Allow-list mode: only the instances marked “allow” federate.
federation-admin-policies = Instance policies
federation-admin-no-policies = No policy yet: every instance may federate, unless allow-list mode is on.
federation-admin-col-domain = Instance
federation-admin-col-policy = Policy
federation-admin-col-reason = Reason
federation-admin-col-set = Set by
federation-admin-col-actors = Known actors
federation-admin-col-follows = Follows here
federation-admin-remove = Remove
federation-admin-set = Set a policy
federation-admin-domain = Instance domain (e.g. social.example)
federation-admin-save = Save
federation-admin-saved = The policy was saved and written to the moderation log.
federation-admin-removed = The policy was removed.
federation-admin-bad-domain = Give an instance's domain only, like social.example (no path, no account).
federation-admin-instances = Known instances
federation-admin-no-instances = No remote instance has been in touch yet.
federation-admin-deliveries = Deliveries
federation-admin-pending = Waiting
federation-admin-delivered = Delivered
federation-admin-failed = Failed
federation-policy-block = Block
federation-policy-limit = Limit
federation-policy-allow = Allow
federation-admin-policy-help = Block: nothing is received from it or sent to it. Limit: its boards followed here are read only by the members who follow them, and what its people post anywhere else waits for staff review. Allow: in allow-list mode, only these instances federate.
modlog-action-instance_block = Instance blocked
modlog-action-instance_limit = Instance limited
modlog-action-instance_allow = Instance allowed
modlog-action-instance_unset = Instance policy removed

# Posts received from other servers
mod-flag-origin-label = Report to its server (reason)
mod-flag-origin = Report to its server
modlog-action-flag_remote_post = Post reported to its server

# Following boards of other servers
federation-following-title = Boards of other servers
federation-following-intro = Follow a board or a group of another Vigie, or a Lemmy community: its threads appear here, and you can answer them from here.
federation-follow-label = Handle or address
federation-follow-help = For example !general@vigie.example or https://vigie.example/b/general
federation-follow-submit = Follow
federation-follow-done = You follow this board; its new threads will appear here once its server accepts.
federation-unfollow-done = You no longer follow this board.
federation-follow-unreadable = This is neither a handle (!board@server) nor an address (https://…).
federation-follow-not-found = Nothing answered at this handle or address (or its server is blocked here).
federation-follow-not-group = This is a person, not a board or a group.
federation-follow-too-many = You follow as many boards of other servers as one may (200): stop following one first.
federation-follow-ours = This board is on this server: follow it from its page.
federation-following-list = Boards you follow
federation-following-none = You follow no board of another server yet.
federation-following-pending = waiting for its server
federation-following-threads = { $count ->
    [one] { $count } thread
   *[other] { $count } threads
}
federation-following-origin = on its server
federation-unfollow = Stop following
