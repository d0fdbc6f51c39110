# The account menu in the header, the thread's two page-link bars.
nav-account-menu = menu du compte
nav-profile = Mon profil
pagination-thread-top = Pages du fil (haut)
pagination-thread-bottom = Pages du fil (bas)
