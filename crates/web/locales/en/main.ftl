# tandem — English (the reference language: every id here must exist in every other file).

nav-org-units = Org units
nav-tokens = API tokens
nav-sign-out = Sign out

home-title = Your programs
home-none = You are not a member of any program yet. Ask your program manager to add you.

login-title = Sign in
login-username = Username
login-password = Password
login-submit = Sign in
login-refused = Wrong username or password.

tokens-title = Personal access tokens
tokens-explain = A token lets a script or device use the API as you. It is shown once; keep it secret.
tokens-name = Token name
tokens-create = Create token
tokens-created = Your new token (copy it now, it will not be shown again):
tokens-name-invalid = give the token a name of at most 100 characters

program-members = Members
program-people = People
program-memberships = Memberships

people-title = People in { $program }
people-search = Search by name
people-new = Add a person
people-count = { $count ->
    [one] One person
   *[other] { $count } people
}
page-previous = Previous
page-next = Next

person-name = Name
person-cadre = Cadre
person-disciplines = Disciplines
person-experience = Years of experience
person-languages = Languages
person-time-zone = Time zone
person-residence = Country of residence
person-home-country = Home country
person-orcid = ORCID iD
person-email = Email
person-phone = Phone
person-consent = May be contacted by
person-edit = Edit profile
person-memberships = Roles
person-pairings = Mentorship pairings
pairing-mentor = Mentor
pairing-mentee = Mentee
form-save = Save

hint-cadre = For example surgeon, anesthetist, or_nurse, physician
hint-list = Separate several with commas
hint-languages = Language codes separated by commas, for example en, fr, am
hint-time-zone = IANA name, for example Africa/Lagos or America/Toronto
hint-country = Two-letter code, for example NG, GB, ET
hint-phone = International form, for example +2348031234567
hint-consent = Any of email, sms, whatsapp, separated by commas

memberships-title = Memberships of { $program }
membership-person = Person
membership-role = Role
membership-org-unit = Org unit
membership-add = Add membership

org-unit-code = Code
org-unit-level = Level
org-unit-location = Location
org-unit-children = Below this unit
org-unit-people = People placed here

role-program-manager = Program manager
role-mentor = Mentor
role-mentee = Mentee
role-facility-leader = Facility leader
role-regional-viewer = Regional viewer
role-peer-leader = Peer leader
role-peer-member = Peer member

kind-peer-research = Peer research collaborative
kind-clinical-mentorship = Clinical mentorship program

level-country = Country
level-region = Region
level-district = District
level-facility = Facility

status-400 = Bad request
status-401 = Sign-in needed
status-403 = Not allowed
status-404 = Not found
status-413 = Too large
status-422 = Check your input
status-429 = Too many attempts
status-500 = Something went wrong
error-back-home = Back to your programs
error-not_found = This page or record does not exist.
error-unauthorized = Please sign in first.
error-forbidden = You do not have access to this.
error-invalid = Some input is not valid.
error-csrf = The form expired or came from another site. Reload the page and try again.
error-too_many_requests = Too many failed sign-ins. Wait a while and try again.
error-payload_too_large = What you sent is too large.
error-internal = Something went wrong on our side. It has been logged.
