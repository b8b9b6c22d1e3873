# tandem — français.

nav-org-units = Unités d'organisation
nav-tokens = Jetons d'API
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

program-members = Membres
program-people = Personnes
program-memberships = Adhésions

people-title = Personnes de { $program }
people-search = Rechercher par nom
people-new = Ajouter une personne
people-count = { $count ->
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
status-413 = Trop volumineux
status-422 = Vérifiez votre saisie
status-429 = Trop de tentatives
status-500 = Une erreur est survenue
error-back-home = Retour à vos programmes
error-not_found = Cette page ou cet enregistrement n'existe pas.
error-unauthorized = Veuillez d'abord vous connecter.
error-forbidden = Vous n'avez pas accès à ceci.
error-invalid = Certaines données saisies ne sont pas valides.
error-csrf = Le formulaire a expiré ou provient d'un autre site. Rechargez la page et réessayez.
error-too_many_requests = Trop d'échecs de connexion. Patientez puis réessayez.
error-payload_too_large = Ce que vous avez envoyé est trop volumineux.
error-internal = Une erreur est survenue de notre côté. Elle a été consignée.

program-matching = Appariement
matching-title = Appariement pour { $program }
matching-active-pairings = { $count ->
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
matching-bad-cadre-pair = « { $pair } » n'est pas une paire de cadres mentoré:mentor
matching-proposal-title = Proposition d'appariement { $id }
matching-changes = { $count ->
    [one] un changement par rapport aux binômes actuels
   *[other] { $count } changements par rapport aux binômes actuels
}
matching-warm = départ à chaud
matching-approve = Approuver et créer les binômes
matching-pairs = { $count ->
    [one] Un binôme
   *[other] { $count } binômes
}
matching-cost = Coût
matching-current = (actuel)
matching-backup = Remplaçant : { $name }
matching-backup-full = { $name } (complet)
matching-unassigned = { $count ->
    [one] Un mentoré sans mentor
   *[other] { $count } mentorés sans mentor
}
matching-reason-no-eligible = Aucun mentor d'un cadre permis.
matching-reason-excluded = Tous les mentors possibles sont exclus : { $reasons }.
matching-reason-capacity = Tous les mentors possibles sont complets.
matching-reason-too-costly = Tout mentor possible coûte plus que de le laisser sans mentor.
