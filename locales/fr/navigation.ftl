# The account menu in the header, the thread's two page-link bars, the settings' sessions table.
nav-account-menu = menu du compte
nav-profile = Mon profil
pagination-thread-top = Pages du fil (haut)
pagination-thread-bottom = Pages du fil (bas)
settings-sessions-table = Tableau des sessions ouvertes
