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
