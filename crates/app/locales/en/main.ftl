# tandem — English (the reference language: every id here must exist in every other file).

# How a decimal number is written: 2.5 km in English, 2,5 km in French.
decimal-separator = .

# A refused field on a form: its label, then what is wrong.
field-refusal = { $field }: { $message }

nav-org-units = Org units
nav-tokens = API tokens
nav-lockouts = Sign-in lockouts
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
tokens-expiry = Expires after
tokens-expiry-30 = 30 days
tokens-expiry-90 = 90 days
tokens-expiry-365 = 365 days
tokens-expiry-never = Never (until revoked)
tokens-expiry-invalid = choose 30, 90 or 365 days, or never
tokens-yours = Your tokens
tokens-everyone = Everyone's tokens
tokens-none = No tokens yet.
tokens-owner = Account
tokens-created-at = Created
tokens-expires-at = Expires
tokens-last-used = Last used
tokens-never = never
tokens-state-live = active
tokens-state-expired = expired
tokens-state-revoked = revoked
tokens-revoke = Revoke
tokens-revoked = The token was revoked; it no longer works.

lockouts-title = Sign-in lockouts
lockouts-explain = Sign-in is refused after { $account } failed attempts for one account, or { $address } from one address, within { $minutes } minutes. Unlocking forgets those failures at once.
lockouts-none = No account or address is locked out.
lockouts-account = account
lockouts-address = address
lockouts-failures = Failed attempts
lockouts-until = Locked until
lockouts-unlock = Unlock
lockouts-unlocked = Unlocked: sign-in may be tried again at once.

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
status-408 = Too slow
status-413 = Too large
status-422 = Check your input
status-429 = Too many attempts
status-500 = Something went wrong
error-back-home = Back to your programs
error-not_found = This page or record does not exist.
error-unauthorized = Please sign in first.
error-token_expired = This API token has expired. Create a new one on the tokens page.
error-token_revoked = This API token was revoked. Create a new one on the tokens page.
error-forbidden = You do not have access to this.
error-invalid = Some input is not valid.
error-csrf = The form expired or came from another site. Reload the page and try again.
error-too_many_requests = Too many failed sign-ins. Wait a while and try again.
error-request_timeout = The request took too long to arrive. Try again.
error-payload_too_large = What you sent is too large.
error-internal = Something went wrong on our side. It has been logged.

program-matching = Matching
matching-title = Matching for { $program }
matching-active-pairings = { $count ->
    [one] One active pairing
   *[other] { $count } active pairings
}
matching-proposals = Proposals
matching-run = Run a matching proposal
matching-status = Status
matching-status-draft = Draft
matching-status-approved = Approved
matching-status-discarded = Discarded
matching-why = Why
matching-objective = Total cost
matching-mentor-left = A mentor leaves
matching-mentor-left-explain = Their pairings end now and their mentees are re-matched; you approve the new proposal.
matching-mentor-left-submit = Record the departure and re-match
matching-mentor = Mentor
matching-mentee = Mentee
matching-rules = Rules
matching-kind = Rule
matching-kind-pin = Pin
matching-kind-forbid = Forbid
matching-kind-conflict = Conflict
matching-reason = Reason (required for a conflict)
matching-add-rule = Add the rule
matching-remove = Remove
matching-settings = Settings
matching-settings-explain = Each weight is the cost of one step of that criterion; 0 turns it off. Pairs with a lower total cost are preferred.
matching-language = No shared language
matching-working_hours = Per hour of working day not shared
matching-distance = Per 100 km between facilities
matching-experience = Per year the experience gap misses its target
matching-preference = Per place down a stated ranking
matching-continuity = Bonus for keeping a current pairing
matching-target_experience_gap = Target experience gap (years)
matching-unassigned_cost = Cost of leaving a mentee unassigned
matching-default_capacity = Mentees per mentor (default)
matching-cadre_pairs = Allowed cadre pairs, mentee:mentor (empty: same cadre only)
matching-exclude_previous_pairings = Never pair people who were paired before
matching-save = Save settings
matching-not-a-number = { $field }: enter a whole number
matching-not-a-count = { $field }: enter 0 or more, not { $value }
matching-bad-cadre-pair = "{ $pair }" is not a mentee:mentor cadre pair
matching-proposal-title = Matching proposal { $id }
matching-changes = { $count ->
    [one] one change from the current pairings
   *[other] { $count } changes from the current pairings
}
matching-warm = started from the approved pairings
matching-approve = Approve and create the pairings
matching-pairs = { $count ->
    [one] One pair
   *[other] { $count } pairs
}
matching-new-pairs = { $count ->
    [0] No new pair
    [one] One new pair
   *[other] { $count } new pairs
}
matching-kept-pairs = { $count ->
    [one] One pair kept as it is
   *[other] { $count } pairs kept as they are
}
proposal-reason-manager = requested by a manager
proposal-reason-command-line = requested from the command line
proposal-reason-demo = demo
proposal-reason-mentor-left = { $name } left the program
matching-sheet-download = Download the pairs as a spreadsheet (XLSX)
matching-sheet-change = Change
matching-sheet-new = new pair
matching-sheet-kept = kept
matching-sheet-none = no mentor
matching-sheet-backup = Back-up or best eligible mentor
matching-sheet-why = Why no mentor
matching-cost = Cost
matching-current = (current)
matching-backup = Back-up: { $name }
matching-backup-full = { $name } (full)
matching-unassigned = { $count ->
    [one] One mentee without a mentor
   *[other] { $count } mentees without a mentor
}
matching-reason-no-eligible = No mentor of an allowed cadre.
matching-reason-excluded = Every eligible mentor is excluded: { $reasons }.
matching-reason-capacity = Every eligible mentor is full.
matching-reason-too-costly = Every possible mentor costs more than leaving them unassigned.
matching-best-eligible = Best eligible mentor: { $name }, cost { $cost }
matching-superseded = Proposal { $id } was run after this one, with the rules and people as they are now: approve that one instead.
matching-vacated-team-places = { $count ->
    [one] A mentor who left held a place on an approved facility team: re-form the teams.
   *[other] Mentors who left held { $count } places on approved facility teams: re-form the teams.
}
matching-done-settings = Settings saved. The next proposal uses them.
matching-done-rule = Rule added. Run a new proposal to apply it.
matching-done-rule-removed = Rule removed. Run a new proposal to apply the change.
matching-done-departure-recorded = This departure was already recorded: this is the re-match run with it.
matching-done-approved = { $count ->
    [one] Approved. The program now has one active pairing.
   *[other] Approved. The program now has { $count } active pairings.
}
matching-error-capacity-range = A mentor takes from 0 to 1000 mentees.
matching-error-reason-long = The reason is longer than 200 characters.
matching-error-conflict-reason = Name the conflict (for example: direct supervisor).
matching-error-pair-has-rule = { $kind ->
    [pin] This pair is already pinned; remove that pin first.
    [forbid] This pair is already forbidden; remove that rule first.
   *[conflict] This pair already has a named conflict; remove that rule first.
}
matching-error-pinned-already = { $mentee } is already pinned to { $mentor }; remove that pin first.
matching-error-decided = { $status ->
    [approved] Proposal { $id } is already approved; run a new one to change the pairings.
   *[other] Proposal { $id } was discarded and cannot be approved; run a new one.
}
matching-error-superseded = Proposal { $id } is out of date: proposal { $newest } was run after it; approve that one or run a new one.
matching-error-inputs-changed = The program's people, capacities, settings, rules or pairings changed since proposal { $id } was run; run a new one.
matching-error-left-already = { $name } has already left this program or has no places, and has no mentee or pin left: nothing to record (run a new proposal to re-match).
matching-error-capacity-below-pins = { $pinned ->
    [one] { $name } has one mentee pinned; remove the pin before giving them no places.
   *[other] { $name } has { $pinned } mentees pinned; remove pins before giving them fewer than { $pinned } places.
}
matching-error-pins-full = { $name } has { $places ->
    [one] one place
   *[other] { $places } places
} and { $pinned ->
    [one] one mentee
   *[other] { $pinned } mentees
} pinned already; give them more places or remove a pin.
matching-error-pin-impossible = { $why ->
    [pinned_twice] { $mentee } cannot be pinned to { $mentor }: they are pinned to another mentor too.
    [also_forbidden] { $mentee } cannot be pinned to { $mentor }: the pair is also forbidden.
   *[capacity_exceeded] { $mentee } cannot be pinned to { $mentor }: more mentees are pinned to { $mentor } than they have places; remove a pin or give them more places.
}

## Research collaborative (C7, C11, C12)
program-research = Research projects
program-participation = Participation
program-scheduling = Scheduling
research-title = Research projects of { $program }
research-board = Project board
research-since = since { $date }
research-new-project = Start a project
research-project-title = Title
research-summary = What it is about
research-start-project = Start the project
research-outputs = Outputs
research-kind-publication = Publication
research-kind-presentation = Presentation
research-kind-training = Training
research-stage = Stage
research-stage-idea = Idea
research-stage-protocol = Protocol
research-stage-ethics_approval = Ethics approval
research-stage-data_collection = Data collection
research-stage-analysis = Analysis
research-stage-writing = Writing
research-stage-submitted = Submitted
research-stage-published = Published
research-move-to = Move to { $stage }
research-back-to = Back to an earlier stage
research-revise = Revise
research-roles = Members and CRediT roles
research-member = Member
research-credit-role = CRediT role
research-degree = Degree
research-degree-lead = lead
research-degree-equal = equal
research-degree-supporting = supporting
research-add-role = Add the role
research-stretch = Stretch roles
research-stretch-explain = Members who have never held these roles, least experienced first.
research-stretch-first_author = First author
research-stretch-lead_analysis = Lead on formal analysis
research-stretch-lead_presenter = Lead presenter
research-tasks = Tasks and milestones
research-task-kind = Kind
research-task = Task
research-milestone = Milestone
research-task-title = What
research-owner = Owner
research-due = Due
research-add-task = Add
research-mark-done = Done
research-overdue = overdue
participation-title = Participation in { $program }
participation-as-of = as of { $date }
participation-equity = How evenly members take part
participation-gini-overall = Inequality of participation (Gini): { $gini }
participation-gini-explain = 0 means everyone takes part equally; 1 means one member does everything. The chart shows each month.
participation-gini-chart = Gini of participation by month
participation-members = Members
participation-attendance = Sessions attended
participation-contributions = Contributions
participation-last-active = Last active
participation-diaspora = diaspora
participation-queue-nudges = Queue nudges for the members flagged
participation-nudges-queued = { $count ->
    [one] One nudge queued.
   *[other] { $count } nudges queued.
}
participation-brain-gain = Brain gain
participation-outputs = Outputs
participation-linking = Linking diaspora and home
participation-home-affiliated = With a home-country affiliation
participation-collaborations = Diaspora–home pairs
participation-total = Total
participation-firsts = Stretch-role firsts
participation-nudges = Nudges
participation-queued = queued
participation-sent = sent
scheduling-title = Scheduling for { $program }
scheduling-week = Week of
scheduling-duration = Minutes
scheduling-sessions = Sessions in the series
scheduling-find = Find slots
scheduling-best-slots = Best slots, in each member's local time
scheduling-no-slots = No slot suits anyone yet: members add their weekly availability below.
scheduling-attendees = { $count } can come
scheduling-out-of-hours = { $count } out of hours
scheduling-status-preferred = within their hours
scheduling-status-out_of_hours = out of hours
scheduling-status-absent = cannot come
scheduling-series = A weekly series that shares the late hours
scheduling-series-explain = Each week takes a best-attended slot, chosen so that nobody carries more than their fair share of out-of-hours sessions (plus one). The naive column is what the same slot every week would cost each member.
scheduling-burden = Out of hours
scheduling-fair-share = Fair share
scheduling-naive = Same slot every week
scheduling-session-title = Session title
scheduling-video = Video link
scheduling-schedule = Schedule these sessions and invite everyone
scheduling-scheduled = { $count ->
    [one] One session scheduled.
   *[other] { $count } sessions scheduled.
}
scheduling-upcoming = Sessions
scheduling-cancelled = cancelled
scheduling-my-availability = My weekly availability
scheduling-availability-explain = One window a line, in your own time zone: day, start-end, then "preferred" or "possible" (only if needed). For example: Tue 18:00-21:00 preferred
scheduling-save-availability = Save my availability
scheduling-availability-saved = Your availability is saved.
scheduling-feed-explain = A private address your calendar app can subscribe to; making a new one stops the old one.
scheduling-new-feed = Make my calendar feed address
scheduling-feed-created = Subscribe your calendar to this address (keep it private): { $path }

## Field mentorship (C3, C4, C6)
program-visits = Visits and sessions
field-visits-title = Visits and sessions of { $program }
field-record-visit = Record a coaching visit
field-history = Visit history
field-facility = Facility
field-first-day = First day
field-last-day = Last day
field-summary = What you did
field-who = Who took part
field-role-mentor = mentor
field-role-mentee = mentee
field-role-facilitator = facilitator
field-role-participant = participant
field-checklist = Checklist
field-checklist-mentee = The checklist is about
field-debrief = Debrief
field-went-well = What went well
field-to-improve = What to improve
field-action-n = Action { $n }
field-owner = Owner
field-due = Due
field-save-visit = Save the visit
field-kind-visit = Coaching visit
field-kind-tele_session = Tele-mentoring session
field-kind-check_in = Check-in
field-kind-joint_session = Joint learning session
field-kind-training_session = Training session
field-cases = Cases
field-actions = Action items
field-action-open = open
field-action-done = done
field-action-dropped = dropped
field-readiness = Readiness
field-site-assessing = being assessed
field-site-ready = ready
field-site-active = active
field-site-paused = paused
field-active-since = active since { $date }
field-not-a-site = Not a site of this program yet.
field-baseline = baseline
field-priorities = Priorities:
field-open-actions = Open action items
field-dose-title = Dose this quarter ({ $quarter })
field-dose-none = No contact recorded or planned this quarter.
field-dose-hours = Hours
field-dose-activities = Activities
field-dose-plan = Delivered / planned
field-dose-visit = Coaching visits (days)
field-dose-tele_session = Tele-mentoring (minutes)
field-dose-check_in = Check-ins
field-dose-joint_session = Joint learning sessions
field-dose-training_session = Training sessions
field-dose-overall = All contact (% of plan)
field-status-on_track = on track
field-status-at_risk = at risk
field-status-off_track = off track
field-plan = Mentorship plan
field-missing-courses = Training still to complete before the pairing starts:
field-sessions = Visits and sessions
program-report = Quarterly report
report-title = Quarterly report { $quarter }
report-active-pairings = Active mentorship pairings
report-awaiting-training = Pairings waiting for training
report-activities = Visits and sessions
report-contact-hours = Contact hours
report-change = Changed by a fifth or more: { $indicator }
report-off-track = Off track: { $indicator }
program-dashboard = Dashboard
dashboard-title = Dashboard of { $program }
dashboard-target = target { $target }
dashboard-empty = No indicators are defined for this program yet.
program-data-entry = Enter values
program-targets = Targets
entry-title = Values for { $program }
entry-nowhere = You do not report for any facility in this program.
entry-period = Period
entry-period-hint = A DHIS2 period: 202610 (a month), 2026Q3 (a quarter).
entry-save = Save the values
entry-saved = { $count ->
    [one] One value saved.
   *[other] { $count } values saved.
}
targets-title = Targets of { $program }
targets-indicator = Indicator
targets-value = Target
targets-signed = Signed by
targets-group = Sign for
targets-sign = Sign
targets-group-mentees = mentees
targets-group-mentors = mentors
targets-group-facility_leaders = facility leaders
targets-group-regional_authority = regional authority
targets-group-program_managers = program managers
report-completeness = Monthly reports received
report-timeliness = Received on time (within 15 days)
report-violation = Check the data: { $indicator }
program-preferences = My matching preferences
prefs-title = My matching preferences in { $program }
prefs-intro-mentee = Rank the mentors you would most like to work with, up to { $max }. Matching weighs your ranking together with shared language, working hours, distance and experience, so your first choice is likely but not promised.
prefs-intro-mentor = Rank the mentees you would most like to mentor, up to { $max }. Matching weighs your ranking together with shared language, working hours, distance and experience, so your first choice is likely but not promised.
prefs-not-linked = Your account is not linked to a person, so it cannot state matching preferences.
prefs-not-a-member = Only the program's mentees and mentors state matching preferences.
prefs-your-ranking = Your ranking
prefs-nothing-ranked = You have not ranked anyone yet.
prefs-none-offered = There is nobody you can rank in this program yet.
prefs-rank-for = Your rank for { $name }
prefs-not-ranked = Not ranked
prefs-choice = { $rank ->
    [1] 1st choice
    [2] 2nd choice
    [3] 3rd choice
   *[other] { $rank }th choice
}
prefs-years = { $years ->
    [one] 1 year of experience
   *[other] { $years } years of experience
}
prefs-fit-language = You both speak { $languages }
prefs-fit-no-language = No language in common
prefs-fit-same-hours = Same working hours
prefs-fit-no-hours = No working hours in common
prefs-fit-hours = { $hours } h of the working day in common
prefs-fit-same-place = At the same facility
prefs-fit-distance = { $km } km away
prefs-fit-same-years = As experienced as you
prefs-fit-more-years = { $years ->
    [one] 1 more year of experience than you
   *[other] { $years } more years of experience than you
}
prefs-fit-fewer-years = { $years ->
    [one] 1 year less experience than you
   *[other] { $years } years less experience than you
}
prefs-save = Save my ranking
prefs-error-rank-range = rank { $rank } is out of range: give ranks from 1 to { $max }
prefs-error-rank-twice = rank { $rank } is given to two people
prefs-saved = Your ranking is saved.
matching-choice-mentee = { $rank ->
    [1] mentee's 1st choice
    [2] mentee's 2nd choice
    [3] mentee's 3rd choice
   *[other] mentee's { $rank }th choice
}
matching-choice-mentor = { $rank ->
    [1] mentor's 1st choice
    [2] mentor's 2nd choice
    [3] mentor's 3rd choice
   *[other] mentor's { $rank }th choice
}
matching-choice-mentee-none = { $count ->
    [one] not the mentee's choice
   *[other] not among the mentee's { $count } choices
}
matching-choice-mentor-none = { $count ->
    [one] not the mentor's choice
   *[other] not among the mentor's { $count } choices
}
facilities-title = Facility coupling and teams for { $program }
facilities-link = Facility coupling and teams
facilities-back = Back to mentee matching
facilities-explain = A facility whose readiness (its latest site assessment) is below the threshold is weak and is coupled with a nearby strong facility. Each facility gets a mentor team covering the required cadres. Run a proposal, read it, change the settings and run again if needed, then approve it.
facilities-run-coupling = Run a coupling proposal
facilities-run-teams = Form mentor teams
facilities-kind = Kind
facilities-kind-coupling = Coupling
facilities-kind-teams = Teams
facilities-error-inputs-changed = The program's sites, readiness, mentors or settings changed since proposal { $id } was run; run a new one.
facilities-done-coupling = Couplings approved: the ones below are now in force.
facilities-done-teams = Teams approved: the ones below are now in force.
facilities-current-couplings = Approved couplings
facilities-current-teams = Approved mentor teams
facilities-none-yet = None approved yet.
facilities-weak = Weak facility (readiness)
facilities-strong = Strong facility (readiness)
facilities-weak-site = Weak facility
facilities-strong-site = Strong facility
facilities-distance = Distance
facilities-facility = Facility
facilities-readiness = Readiness
facilities-members = Team
facilities-vacated = Places left empty since the teams were approved
facilities-vacated-explain = These mentors left the program after the teams were approved. Run a team proposal to fill their places.
facilities-cadre = Cadre
facilities-held-by = Held by
facilities-takes = Takes
facilities-who = Facility or mentor
facilities-threshold = Readiness threshold (%): below it a facility is weak
facilities-max_per_strong = Weak facilities per strong facility (at most)
facilities-max_km = Farthest distance (km)
facilities-max_teams_per_mentor = Teams per mentor (at most)
facilities-required_cadres = Cadres every team needs, comma-separated
facilities-not-a-number = { $field }: enter a number
facilities-need-cadres = Name the cadres every team must cover in the settings below, then form the teams.
facilities-proposal-coupling = Coupling proposal { $id }
facilities-proposal-teams = Team proposal { $id }
facilities-approve = Approve
facilities-settings-used = within { $km } km
facilities-total-km = { $km } km in all
facilities-pairs = { $count ->
    [one] One weak facility coupled
   *[other] { $count } weak facilities coupled
}
facilities-unpaired = { $count ->
    [one] One facility not coupled
   *[other] { $count } facilities not coupled
}
facilities-strong-list = { $count ->
    [one] One strong facility
   *[other] { $count } strong facilities
}
facilities-teams = { $count ->
    [one] One team
   *[other] { $count } teams
}
facilities-left-out = { $count ->
    [one] One left out
   *[other] { $count } left out
}
facilities-no-readiness = not assessed
facilities-nearer-full = Nearer { $name } was full.
facilities-why-no_coordinates = No coordinates recorded for this facility.
facilities-why-no_assessment = No scored site assessment yet, so its strength is unknown.
facilities-why-no_strong_in_range = No strong facility within { $km } km.
facilities-why-strong_in_range_full = Every strong facility within { $km } km is full.
facilities-missing-no_mentor = no mentor of this cadre in the program
facilities-missing-none_in_range = no mentor of this cadre within range
facilities-missing-all_at_limit = every mentor of this cadre within range is at their team limit
facilities-mentor-no_coordinates = Their home facility has no coordinates.
facilities-mentor-not_taking = Not taking on work (capacity 0).
facilities-coupled-with = Coupled with { $name }
facilities-supports = Supports { $names }
facilities-team = Mentor team

# A visit refused: said in full on the visit form (the API keeps its field and English message).
field-error-no-such-facility = That facility does not exist.
field-error-not-a-facility = { $name } is not a facility: choose a hospital or health centre.
field-error-visit-facility = A visit happens at a facility: choose one.
field-error-first-day = Give the first day of the visit (YYYY-MM-DD).
field-error-last-day = The last day of the visit is not a date (YYYY-MM-DD).
field-error-ends-before-starts = The last day of the visit is before its first day.
field-error-visit-too-long = A visit lasts at most a month.
field-error-no-participant = Choose at least one person who took part.
field-error-participant-twice = A person is listed twice among those who took part.
field-error-checklist-mentee = The person the checklist assesses must be among those who took part.
field-error-debrief-empty = Write what went well, what to improve, or an action.
field-error-action-due-early = An action cannot be due before the visit ({ $date }).
field-error-action-owner = Choose who owns each action.
field-error-sent-already = This form was already sent with other details. Check them below; recording it again adds a new visit.
field-error-not-a-participant = Include yourself among those who took part: you can record only activities you were at.
