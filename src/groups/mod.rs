//! Local groups: the directory, a group's page, joining (open, on request, by invitation),
//! coordinators' administration, and the group's own boards (public or private), whose threads
//! and posts are the forum's.
