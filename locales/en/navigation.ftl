# The account menu in the header, the thread's two page-link bars, the settings' sessions table.
nav-account-menu = account menu
nav-profile = My profile
pagination-thread-top = Thread pages (top)
pagination-thread-bottom = Thread pages (bottom)
settings-sessions-table = Table of open sessions
