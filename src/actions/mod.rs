//! Actions (events) of local groups and public boards: their pages and forms, RSVPs with a
//! waiting list, reminders the day before, and calendars (iCalendar feeds).
