# tandem — français.

# Le séparateur décimal : 2,5 km en français (2.5 km en anglais).
decimal-separator = ,

# Un champ refusé : son intitulé, puis ce qui ne va pas.
field-refusal = { $field } : { $message }

nav-org-units = Unités d'organisation
nav-tokens = Jetons d'API
nav-lockouts = Blocages de connexion
nav-sign-out = Se déconnecter

home-title = Vos programmes
home-none = Vous n'êtes encore membre d'aucun programme. Demandez à votre gestionnaire de programme de vous ajouter.

login-title = Connexion
login-username = Nom d'utilisateur
login-password = Mot de passe
login-submit = Se connecter
login-refused = Nom d'utilisateur ou mot de passe incorrect.

tokens-title = Jetons d'accès personnels
tokens-explain = Un jeton permet à un script ou un appareil d'utiliser l'API en votre nom. Il n'est affiché qu'une fois ; gardez-le secret.
tokens-name = Nom du jeton
tokens-create = Créer le jeton
tokens-created = Votre nouveau jeton (copiez-le maintenant, il ne sera plus affiché) :
tokens-name-invalid = donnez au jeton un nom d'au plus 100 caractères
tokens-expiry = Expire après
tokens-expiry-30 = 30 jours
tokens-expiry-90 = 90 jours
tokens-expiry-365 = 365 jours
tokens-expiry-never = Jamais (jusqu'à révocation)
tokens-expiry-invalid = choisissez 30, 90 ou 365 jours, ou jamais
tokens-yours = Vos jetons
tokens-everyone = Les jetons de tous
tokens-none = Aucun jeton pour l'instant.
tokens-owner = Compte
tokens-created-at = Créé le
tokens-expires-at = Expire le
tokens-last-used = Dernière utilisation
tokens-never = jamais
tokens-state-live = actif
tokens-state-expired = expiré
tokens-state-revoked = révoqué
tokens-revoke = Révoquer
tokens-revoked = Le jeton a été révoqué ; il ne fonctionne plus.

lockouts-title = Blocages de connexion
lockouts-explain = La connexion est refusée après { $account } tentatives échouées pour un compte, ou { $address } depuis une adresse, en { $minutes } minutes. Débloquer efface aussitôt ces échecs.
lockouts-none = Aucun compte ni aucune adresse n'est bloqué.
lockouts-account = compte
lockouts-address = adresse
lockouts-failures = Tentatives échouées
lockouts-until = Bloqué jusqu'à
lockouts-unlock = Débloquer
lockouts-unlocked = Débloqué : la connexion peut être retentée aussitôt.

program-members = Membres
program-people = Personnes
program-memberships = Adhésions

people-title = Personnes de { $program }
people-search = Rechercher par nom
people-new = Ajouter une personne
people-count = { $count ->
    [0] Aucune personne
    [one] Une personne
   *[other] { $count } personnes
}
page-previous = Précédent
page-next = Suivant

person-name = Nom
person-cadre = Catégorie professionnelle
person-disciplines = Disciplines
person-experience = Années d'expérience
person-languages = Langues
person-time-zone = Fuseau horaire
person-residence = Pays de résidence
person-home-country = Pays d'origine
person-orcid = Identifiant ORCID
person-email = Courriel
person-phone = Téléphone
person-consent = Peut être contacté par
person-edit = Modifier le profil
person-memberships = Rôles
person-pairings = Binômes de mentorat
pairing-mentor = Mentor
pairing-mentee = Mentoré
form-save = Enregistrer

hint-cadre = Par exemple surgeon, anesthetist, or_nurse, physician
hint-list = Séparez-en plusieurs par des virgules
hint-languages = Codes de langue séparés par des virgules, par exemple en, fr, am
hint-time-zone = Nom IANA, par exemple Africa/Lagos ou America/Toronto
hint-country = Code à deux lettres, par exemple NG, GB, ET
hint-phone = Format international, par exemple +2348031234567
hint-consent = Parmi email, sms, whatsapp, séparés par des virgules

memberships-title = Adhésions à { $program }
membership-person = Personne
membership-role = Rôle
membership-org-unit = Unité d'organisation
membership-add = Ajouter une adhésion

org-unit-code = Code
org-unit-level = Niveau
org-unit-location = Emplacement
org-unit-children = Sous cette unité
org-unit-people = Personnes affectées ici

role-program-manager = Gestionnaire de programme
role-mentor = Mentor
role-mentee = Mentoré
role-facility-leader = Responsable d'établissement
role-regional-viewer = Observateur régional
role-peer-leader = Pair responsable
role-peer-member = Pair membre

kind-peer-research = Collectif de recherche entre pairs
kind-clinical-mentorship = Programme de mentorat clinique

level-country = Pays
level-region = Région
level-district = District
level-facility = Établissement

status-400 = Requête incorrecte
status-401 = Connexion requise
status-403 = Accès refusé
status-404 = Introuvable
status-408 = Trop lent
status-413 = Trop volumineux
status-422 = Vérifiez votre saisie
status-429 = Trop de tentatives
status-500 = Une erreur est survenue
error-back-home = Retour à vos programmes
error-not_found = Cette page ou cet enregistrement n'existe pas.
error-unauthorized = Veuillez d'abord vous connecter.
error-token_expired = Ce jeton d'API a expiré. Créez-en un nouveau sur la page des jetons.
error-token_revoked = Ce jeton d'API a été révoqué. Créez-en un nouveau sur la page des jetons.
error-forbidden = Vous n'avez pas accès à ceci.
error-invalid = Certaines données saisies ne sont pas valides.
error-csrf = Le formulaire a expiré ou provient d'un autre site. Rechargez la page et réessayez.
error-too_many_requests = Trop d'échecs de connexion. Patientez puis réessayez.
error-request_timeout = La requête a mis trop de temps à arriver. Réessayez.
error-payload_too_large = Ce que vous avez envoyé est trop volumineux.
error-internal = Une erreur est survenue de notre côté. Elle a été consignée.

program-matching = Appariement
matching-title = Appariement pour { $program }
matching-active-pairings = { $count ->
    [0] Aucun binôme actif
    [one] Un binôme actif
   *[other] { $count } binômes actifs
}
matching-proposals = Propositions
matching-run = Lancer une proposition d'appariement
matching-status = Statut
matching-status-draft = Brouillon
matching-status-approved = Approuvée
matching-status-discarded = Écartée
matching-why = Motif
matching-objective = Coût total
matching-mentor-left = Un mentor part
matching-mentor-left-explain = Ses binômes prennent fin maintenant et ses mentorés sont réappariés ; vous approuvez la nouvelle proposition.
matching-mentor-left-submit = Enregistrer le départ et réapparier
matching-mentor = Mentor
matching-mentee = Mentoré
matching-rules = Règles
matching-kind = Règle
matching-kind-pin = Imposer
matching-kind-forbid = Interdire
matching-kind-conflict = Conflit
matching-reason = Motif (obligatoire pour un conflit)
matching-add-rule = Ajouter la règle
matching-remove = Retirer
matching-settings = Paramètres
matching-settings-explain = Chaque poids est le coût d'un pas de ce critère ; 0 le désactive. Les binômes au coût total le plus bas sont préférés.
matching-language = Aucune langue commune
matching-working_hours = Par heure de journée de travail non partagée
matching-distance = Par 100 km entre établissements
matching-experience = Par année d'écart à l'expérience visée
matching-preference = Par rang perdu dans un classement exprimé
matching-continuity = Bonus pour garder un binôme actuel
matching-target_experience_gap = Écart d'expérience visé (années)
matching-unassigned_cost = Coût d'un mentoré sans mentor
matching-default_capacity = Mentorés par mentor (par défaut)
matching-cadre_pairs = Paires de cadres permises, mentoré:mentor (vide : même cadre seulement)
matching-exclude_previous_pairings = Ne jamais réunir des personnes déjà appariées
matching-save = Enregistrer les paramètres
matching-not-a-number = { $field } : saisissez un nombre entier
matching-not-a-count = { $field } : saisissez 0 ou plus, pas { $value }
matching-bad-cadre-pair = « { $pair } » n'est pas une paire de cadres mentoré:mentor
matching-proposal-title = Proposition d'appariement { $id }
matching-changes = { $count ->
    [0] aucun changement par rapport aux binômes actuels
    [one] un changement par rapport aux binômes actuels
   *[other] { $count } changements par rapport aux binômes actuels
}
matching-warm = calculée à partir des binômes approuvés
matching-approve = Approuver et créer les binômes
matching-pairs = { $count ->
    [0] Aucun binôme
    [one] Un binôme
   *[other] { $count } binômes
}
matching-new-pairs = { $count ->
    [0] Aucun nouveau binôme
    [one] Un nouveau binôme
   *[other] { $count } nouveaux binômes
}
matching-kept-pairs = { $count ->
    [0] Aucun binôme maintenu
    [one] Un binôme maintenu tel quel
   *[other] { $count } binômes maintenus tels quels
}
proposal-reason-manager = demandée par un gestionnaire
proposal-reason-command-line = demandée en ligne de commande
proposal-reason-demo = démonstration
proposal-reason-mentor-left = { $name } a quitté le programme
matching-sheet-download = Télécharger les binômes en tableur (XLSX)
matching-sheet-change = Changement
matching-sheet-new = nouveau binôme
matching-sheet-kept = maintenu
matching-sheet-none = sans mentor
matching-sheet-backup = Mentor de remplacement ou meilleur mentor admissible
matching-sheet-why = Pourquoi sans mentor
matching-cost = Coût
matching-current = (actuel)
matching-backup = Remplaçant : { $name }
matching-backup-full = { $name } (complet)
matching-unassigned = { $count ->
    [0] Aucun mentoré sans mentor
    [one] Un mentoré sans mentor
   *[other] { $count } mentorés sans mentor
}
matching-reason-no-eligible = Aucun mentor d'un cadre permis.
matching-reason-excluded = Tous les mentors possibles sont exclus : { $reasons }.
matching-reason-capacity = Tous les mentors possibles sont complets.
matching-reason-too-costly = Tout mentor possible coûte plus que de le laisser sans mentor.
matching-best-eligible = Meilleur mentor admissible : { $name }, coût { $cost }
matching-superseded = La proposition { $id } a été calculée après celle-ci, avec les règles et les personnes actuelles : approuvez plutôt celle-là.
matching-vacated-team-places = { $count ->
    [0] Aucune place d'équipe n'est vacante.
    [one] Un mentor parti occupait une place dans une équipe d'établissement approuvée : reformez les équipes.
   *[other] Des mentors partis occupaient { $count } places dans des équipes d'établissement approuvées : reformez les équipes.
}
matching-done-settings = Paramètres enregistrés. La prochaine proposition les utilisera.
matching-done-rule = Règle ajoutée. Lancez une nouvelle proposition pour l'appliquer.
matching-done-rule-removed = Règle supprimée. Lancez une nouvelle proposition pour en tenir compte.
matching-done-departure-recorded = Ce départ était déjà enregistré : voici le réappariement calculé avec lui.
matching-done-approved = { $count ->
    [0] Approuvée. Le programme n'a plus aucun binôme actif.
    [one] Approuvée. Le programme compte maintenant un binôme actif.
   *[other] Approuvée. Le programme compte maintenant { $count } binômes actifs.
}
matching-error-capacity-range = Un mentor accompagne de 0 à 1000 mentorés.
matching-error-reason-long = Le motif dépasse 200 caractères.
matching-error-conflict-reason = Précisez le conflit (par exemple : supérieur direct).
matching-error-pair-has-rule = { $kind ->
    [pin] Ce binôme est déjà imposé ; retirez d'abord cette règle.
    [forbid] Ce binôme est déjà interdit ; retirez d'abord cette règle.
   *[conflict] Ce binôme a déjà un conflit déclaré ; retirez d'abord cette règle.
}
matching-error-pinned-already = { $mentee } est déjà imposé(e) à { $mentor } ; retirez d'abord cette règle.
matching-error-decided = { $status ->
    [approved] La proposition { $id } est déjà approuvée ; lancez-en une nouvelle pour changer les binômes.
   *[other] La proposition { $id } a été écartée et ne peut pas être approuvée ; lancez-en une nouvelle.
}
matching-error-superseded = La proposition { $id } n'est plus à jour : la proposition { $newest } a été calculée après elle ; approuvez celle-là ou lancez-en une nouvelle.
matching-error-inputs-changed = Les personnes, les places, les paramètres, les règles ou les binômes du programme ont changé depuis le calcul de la proposition { $id } ; lancez-en une nouvelle.
matching-error-left-already = { $name } a déjà quitté ce programme ou n'a plus de place, et n'a plus ni mentoré ni règle imposée : rien à enregistrer (lancez une nouvelle proposition pour réapparier).
matching-error-capacity-below-pins = { $pinned ->
    [one] { $name } a un mentoré imposé ; retirez cette règle avant de lui retirer toutes ses places.
   *[other] { $name } a { $pinned } mentorés imposés ; retirez des règles avant de lui donner moins de { $pinned } places.
}
matching-error-pins-full = { $name } a { $places ->
    [0] aucune place
    [one] une place
   *[other] { $places } places
} et { $pinned ->
    [one] un mentoré déjà imposé
   *[other] { $pinned } mentorés déjà imposés
} ; donnez-lui plus de places ou retirez une règle.
matching-error-pin-impossible = { $why ->
    [pinned_twice] { $mentee } ne peut pas être imposé(e) à { $mentor } : il ou elle est aussi imposé(e) à un autre mentor.
    [also_forbidden] { $mentee } ne peut pas être imposé(e) à { $mentor } : ce binôme est aussi interdit.
   *[capacity_exceeded] { $mentee } ne peut pas être imposé(e) à { $mentor } : plus de mentorés sont imposés à { $mentor } qu'il ou elle n'a de places ; retirez une règle ou donnez-lui plus de places.
}

## Collectif de recherche (C7, C11, C12)
program-research = Projets de recherche
program-participation = Participation
program-scheduling = Planification
research-title = Projets de recherche de { $program }
research-board = Tableau des projets
research-since = depuis le { $date }
research-new-project = Lancer un projet
research-project-title = Titre
research-summary = De quoi il s'agit
research-start-project = Lancer le projet
research-outputs = Productions
research-kind-publication = Publication
research-kind-presentation = Communication
research-kind-training = Formation
research-stage = Étape
research-stage-idea = Idée
research-stage-protocol = Protocole
research-stage-ethics_approval = Avis éthique
research-stage-data_collection = Collecte des données
research-stage-analysis = Analyse
research-stage-writing = Rédaction
research-stage-submitted = Soumis
research-stage-published = Publié
research-move-to = Passer à : { $stage }
research-back-to = Revenir à une étape antérieure
research-revise = Réviser
research-roles = Membres et rôles CRediT
research-member = Membre
research-credit-role = Rôle CRediT
research-degree = Degré
research-degree-lead = principal
research-degree-equal = égal
research-degree-supporting = en soutien
research-add-role = Ajouter le rôle
research-stretch = Rôles de progression
research-stretch-explain = Membres qui n'ont jamais tenu ces rôles, les moins expérimentés d'abord.
research-stretch-first_author = Premier auteur
research-stretch-lead_analysis = Responsable de l'analyse
research-stretch-lead_presenter = Présentateur principal
research-tasks = Tâches et jalons
research-task-kind = Type
research-task = Tâche
research-milestone = Jalon
research-task-title = Quoi
research-owner = Responsable
research-due = Échéance
research-add-task = Ajouter
research-mark-done = Fait
research-overdue = en retard
participation-title = Participation à { $program }
participation-as-of = au { $date }
participation-equity = Équité de la participation
participation-gini-overall = Inégalité de participation (Gini) : { $gini }
participation-gini-explain = 0 : tout le monde participe également ; 1 : un seul membre fait tout. Le graphique montre chaque mois.
participation-gini-chart = Gini de la participation par mois
participation-members = Membres
participation-attendance = Séances suivies
participation-contributions = Contributions
participation-last-active = Dernière activité
participation-diaspora = diaspora
participation-queue-nudges = Programmer des relances pour les membres signalés
participation-nudges-queued = { $count ->
    [0] Aucune relance programmée.
    [one] Une relance programmée.
   *[other] { $count } relances programmées.
}
participation-brain-gain = Gain de cerveaux
participation-outputs = Productions
participation-linking = Liant diaspora et pays
participation-home-affiliated = Avec une affiliation au pays
participation-collaborations = Paires diaspora–pays
participation-total = Total
participation-firsts = Premières fois dans un rôle de progression
participation-nudges = Relances
participation-queued = programmée
participation-sent = envoyée
scheduling-title = Planification pour { $program }
scheduling-week = Semaine du
scheduling-duration = Minutes
scheduling-sessions = Séances de la série
scheduling-find = Chercher des créneaux
scheduling-best-slots = Meilleurs créneaux, à l'heure locale de chaque membre
scheduling-no-slots = Aucun créneau ne convient encore : les membres ajoutent leurs disponibilités ci-dessous.
scheduling-attendees = { $count } peuvent venir
scheduling-out-of-hours = { $count } hors horaires
scheduling-status-preferred = dans ses horaires
scheduling-status-out_of_hours = hors horaires
scheduling-status-absent = ne peut pas venir
scheduling-series = Une série hebdomadaire qui partage les heures tardives
scheduling-series-explain = Chaque semaine prend un créneau le mieux suivi, choisi pour que personne ne porte plus que sa juste part de séances hors horaires (plus une). La colonne naïve montre ce que coûterait à chacun le même créneau chaque semaine.
scheduling-burden = Hors horaires
scheduling-fair-share = Juste part
scheduling-naive = Même créneau chaque semaine
scheduling-session-title = Titre de la séance
scheduling-video = Lien vidéo
scheduling-schedule = Programmer ces séances et inviter tout le monde
scheduling-scheduled = { $count ->
    [0] Aucune séance programmée.
    [one] Une séance programmée.
   *[other] { $count } séances programmées.
}
scheduling-upcoming = Séances
scheduling-cancelled = annulée
scheduling-my-availability = Mes disponibilités hebdomadaires
scheduling-availability-explain = Une plage par ligne, dans votre fuseau horaire : jour, début-fin, puis « preferred » ou « possible » (seulement si nécessaire). Par exemple : Tue 18:00-21:00 preferred
scheduling-save-availability = Enregistrer mes disponibilités
scheduling-availability-saved = Vos disponibilités sont enregistrées.
scheduling-feed-explain = Une adresse privée à laquelle votre agenda peut s'abonner ; en créer une nouvelle désactive l'ancienne.
scheduling-new-feed = Créer l'adresse de mon agenda
scheduling-feed-created = Abonnez votre agenda à cette adresse (gardez-la privée) : { $path }

## Mentorat sur le terrain (C3, C4, C6)
program-visits = Visites et séances
field-visits-title = Visites et séances de { $program }
field-record-visit = Enregistrer une visite d'accompagnement
field-history = Historique des visites
field-facility = Établissement
field-first-day = Premier jour
field-last-day = Dernier jour
field-summary = Ce que vous avez fait
field-who = Participants
field-role-mentor = mentor
field-role-mentee = mentoré
field-role-facilitator = animateur
field-role-participant = participant
field-checklist = Liste de contrôle
field-checklist-mentee = La liste concerne
field-debrief = Débriefing
field-went-well = Ce qui a bien marché
field-to-improve = À améliorer
field-action-n = Action { $n }
field-owner = Responsable
field-due = Échéance
field-save-visit = Enregistrer la visite
field-kind-visit = Visite d'accompagnement
field-kind-tele_session = Séance de télé-mentorat
field-kind-check_in = Point de suivi
field-kind-joint_session = Séance d'apprentissage commune
field-kind-training_session = Séance de formation
field-cases = Cas
field-actions = Actions
field-action-open = ouverte
field-action-done = faite
field-action-dropped = abandonnée
field-readiness = Préparation
field-site-assessing = en évaluation
field-site-ready = prêt
field-site-active = actif
field-site-paused = suspendu
field-active-since = actif depuis le { $date }
field-not-a-site = Pas encore un site de ce programme.
field-baseline = situation de référence
field-priorities = Priorités :
field-open-actions = Actions ouvertes
field-dose-title = Dose ce trimestre ({ $quarter })
field-dose-none = Aucun contact enregistré ni prévu ce trimestre.
field-dose-hours = Heures
field-dose-activities = Activités
field-dose-plan = Réalisé / prévu
field-dose-visit = Visites d'accompagnement (jours)
field-dose-tele_session = Télé-mentorat (minutes)
field-dose-check_in = Points de suivi
field-dose-joint_session = Séances d'apprentissage communes
field-dose-training_session = Séances de formation
field-dose-overall = Tous contacts (% du plan)
field-status-on_track = dans les temps
field-status-at_risk = à risque
field-status-off_track = en retard
field-plan = Plan de mentorat
field-missing-courses = Formation à terminer avant le début du binôme :
field-sessions = Visites et séances
program-report = Rapport trimestriel
report-title = Rapport trimestriel { $quarter }
report-active-pairings = Binômes de mentorat actifs
report-awaiting-training = Binômes en attente de formation
report-activities = Visites et séances
report-contact-hours = Heures de contact
report-change = Variation d'un cinquième ou plus : { $indicator }
report-off-track = En retard : { $indicator }
program-dashboard = Tableau de bord
dashboard-title = Tableau de bord de { $program }
dashboard-target = cible { $target }
dashboard-empty = Aucun indicateur n'est encore défini pour ce programme.
program-data-entry = Saisir des valeurs
program-targets = Cibles
entry-title = Valeurs pour { $program }
entry-nowhere = Vous ne rapportez pour aucun établissement de ce programme.
entry-period = Période
entry-period-hint = Une période DHIS2 : 202610 (un mois), 2026Q3 (un trimestre).
entry-save = Enregistrer les valeurs
entry-saved = { $count ->
    [0] Aucune valeur enregistrée.
    [one] Une valeur enregistrée.
   *[other] { $count } valeurs enregistrées.
}
targets-title = Cibles de { $program }
targets-indicator = Indicateur
targets-value = Cible
targets-signed = Signée par
targets-group = Signer pour
targets-sign = Signer
targets-group-mentees = mentorés
targets-group-mentors = mentors
targets-group-facility_leaders = responsables d'établissement
targets-group-regional_authority = autorité régionale
targets-group-program_managers = gestionnaires du programme
report-completeness = Rapports mensuels reçus
report-timeliness = Reçus à temps (sous 15 jours)
report-violation = Vérifier les données : { $indicator }
program-preferences = Mes préférences d'appariement
prefs-title = Mes préférences d'appariement dans { $program }
prefs-intro-mentee = Classez les mentors avec qui vous aimeriez le plus travailler, jusqu'à { $max }. L'appariement pèse votre classement avec la langue commune, les heures de travail, la distance et l'expérience : votre premier choix est probable mais pas garanti.
prefs-intro-mentor = Classez les mentorés que vous aimeriez le plus accompagner, jusqu'à { $max }. L'appariement pèse votre classement avec la langue commune, les heures de travail, la distance et l'expérience : votre premier choix est probable mais pas garanti.
prefs-not-linked = Votre compte n'est lié à aucune personne : il ne peut pas indiquer de préférences d'appariement.
prefs-not-a-member = Seuls les mentorés et les mentors du programme indiquent des préférences d'appariement.
prefs-your-ranking = Votre classement
prefs-nothing-ranked = Vous n'avez encore classé personne.
prefs-none-offered = Personne ne peut encore être classé dans ce programme.
prefs-rank-for = Votre rang pour { $name }
prefs-not-ranked = Non classé
prefs-choice = { $rank ->
    [1] 1er choix
   *[other] { $rank }e choix
}
prefs-years = { $years ->
    [one] { $years } an d'expérience
   *[other] { $years } ans d'expérience
}
prefs-fit-language = Vous parlez tous deux { $languages }
prefs-fit-no-language = Aucune langue en commun
prefs-fit-same-hours = Mêmes heures de travail
prefs-fit-no-hours = Aucune heure de travail en commun
prefs-fit-hours = { $hours } h de la journée de travail en commun
prefs-fit-same-place = Dans le même établissement
prefs-fit-distance = À { $km } km
prefs-fit-same-years = Aussi expérimenté que vous
prefs-fit-more-years = { $years ->
    [one] { $years } an d'expérience de plus que vous
   *[other] { $years } ans d'expérience de plus que vous
}
prefs-fit-fewer-years = { $years ->
    [one] { $years } an d'expérience de moins que vous
   *[other] { $years } ans d'expérience de moins que vous
}
prefs-save = Enregistrer mon classement
prefs-error-rank-range = le rang { $rank } est hors limites : donnez des rangs de 1 à { $max }
prefs-error-rank-twice = le rang { $rank } est donné à deux personnes
prefs-saved = Votre classement est enregistré.
matching-choice-mentee = { $rank ->
    [1] 1er choix du mentoré
   *[other] { $rank }e choix du mentoré
}
matching-choice-mentor = { $rank ->
    [1] 1er choix du mentor
   *[other] { $rank }e choix du mentor
}
matching-choice-mentee-none = { $count ->
    [one] pas le choix du mentoré
   *[other] hors des { $count } choix du mentoré
}
matching-choice-mentor-none = { $count ->
    [one] pas le choix du mentor
   *[other] hors des { $count } choix du mentor
}
facilities-title = Jumelage des établissements et équipes pour { $program }
facilities-link = Jumelage des établissements et équipes
facilities-back = Retour à l'appariement des mentorés
facilities-explain = Un établissement dont la préparation (sa dernière évaluation de site) est sous le seuil est faible et est jumelé à un établissement fort proche. Chaque établissement reçoit une équipe de mentors couvrant les cadres requis. Lancez une proposition, lisez-la, modifiez les paramètres et relancez si besoin, puis approuvez-la.
facilities-run-coupling = Lancer une proposition de jumelage
facilities-run-teams = Former les équipes de mentors
facilities-kind = Type
facilities-kind-coupling = Jumelage
facilities-kind-teams = Équipes
facilities-error-inputs-changed = Les établissements, leur niveau de préparation, les mentors ou les paramètres du programme ont changé depuis le calcul de la proposition { $id } ; lancez-en une nouvelle.
facilities-done-coupling = Jumelages approuvés : ceux ci-dessous sont désormais en vigueur.
facilities-done-teams = Équipes approuvées : celles ci-dessous sont désormais en vigueur.
facilities-current-couplings = Jumelages approuvés
facilities-current-teams = Équipes de mentors approuvées
facilities-none-yet = Rien d'approuvé pour l'instant.
facilities-weak = Établissement faible (préparation)
facilities-strong = Établissement fort (préparation)
facilities-weak-site = Établissement faible
facilities-strong-site = Établissement fort
facilities-distance = Distance
facilities-facility = Établissement
facilities-readiness = Préparation
facilities-members = Équipe
facilities-vacated = Places vacantes depuis l'approbation des équipes
facilities-vacated-explain = Ces mentors ont quitté le programme après l'approbation des équipes. Lancez une proposition d'équipes pour pourvoir leurs places.
facilities-cadre = Cadre
facilities-held-by = Occupée par
facilities-takes = Accueille
facilities-who = Établissement ou mentor
facilities-threshold = Seuil de préparation (%) : en dessous, un établissement est faible
facilities-max_per_strong = Établissements faibles par établissement fort (au plus)
facilities-max_km = Distance maximale (km)
facilities-max_teams_per_mentor = Équipes par mentor (au plus)
facilities-required_cadres = Cadres requis dans chaque équipe, séparés par des virgules
facilities-not-a-number = { $field } : saisissez un nombre
facilities-need-cadres = Indiquez dans les paramètres ci-dessous les cadres que chaque équipe doit couvrir, puis formez les équipes.
facilities-proposal-coupling = Proposition de jumelage { $id }
facilities-proposal-teams = Proposition d'équipes { $id }
facilities-approve = Approuver
facilities-settings-used = à { $km } km au plus
facilities-total-km = { $km } km au total
facilities-pairs = { $count ->
    [0] Aucun établissement faible jumelé
    [one] Un établissement faible jumelé
   *[other] { $count } établissements faibles jumelés
}
facilities-unpaired = { $count ->
    [0] Aucun établissement non jumelé
    [one] Un établissement non jumelé
   *[other] { $count } établissements non jumelés
}
facilities-strong-list = { $count ->
    [0] Aucun établissement fort
    [one] Un établissement fort
   *[other] { $count } établissements forts
}
facilities-teams = { $count ->
    [0] Aucune équipe
    [one] Une équipe
   *[other] { $count } équipes
}
facilities-left-out = { $count ->
    [0] Aucun laissé de côté
    [one] Un laissé de côté
   *[other] { $count } laissés de côté
}
facilities-no-readiness = non évalué
facilities-nearer-full = { $name }, plus proche, était complet.
facilities-why-no_coordinates = Aucune coordonnée enregistrée pour cet établissement.
facilities-why-no_assessment = Pas encore d'évaluation de site notée : sa force est inconnue.
facilities-why-no_strong_in_range = Aucun établissement fort à moins de { $km } km.
facilities-why-strong_in_range_full = Tous les établissements forts à moins de { $km } km sont complets.
facilities-missing-no_mentor = aucun mentor de ce cadre dans le programme
facilities-missing-none_in_range = aucun mentor de ce cadre à portée
facilities-missing-all_at_limit = tous les mentors de ce cadre à portée ont atteint leur limite d'équipes
facilities-mentor-no_coordinates = Leur établissement d'attache n'a pas de coordonnées.
facilities-mentor-not_taking = Ne prend pas de travail (capacité 0).
facilities-coupled-with = Jumelé avec { $name }
facilities-supports = Soutient { $names }
facilities-team = Équipe de mentors

# A visit refused: said in full on the visit form (the API keeps its field and English message).
field-error-no-such-facility = Cet établissement n'existe pas.
field-error-not-a-facility = { $name } n'est pas un établissement : choisissez un hôpital ou un centre de santé.
field-error-visit-facility = Une visite a lieu dans un établissement : choisissez-en un.
field-error-first-day = Indiquez le premier jour de la visite (AAAA-MM-JJ).
field-error-last-day = Le dernier jour de la visite n'est pas une date (AAAA-MM-JJ).
field-error-ends-before-starts = Le dernier jour de la visite précède son premier jour.
field-error-visit-too-long = Une visite dure au plus un mois.
field-error-no-participant = Choisissez au moins une personne qui y a participé.
field-error-participant-twice = Une personne figure deux fois parmi les participants.
field-error-checklist-mentee = La personne évaluée par la grille doit figurer parmi les participants.
field-error-debrief-empty = Écrivez ce qui s'est bien passé, ce qui est à améliorer, ou une action.
field-error-action-due-early = Une action ne peut pas être due avant la visite ({ $date }).
field-error-action-owner = Choisissez le responsable de chaque action.
field-error-sent-already = Ce formulaire a déjà été envoyé avec d’autres informations. Vérifiez-les ci-dessous ; l’enregistrer de nouveau ajoute une nouvelle visite.
field-error-not-a-participant = Cochez-vous parmi les participants : vous ne pouvez enregistrer que les activités auxquelles vous avez pris part.
