#!/usr/bin/env python3
"""Writes the demonstration LHEO 2.3 catalog data/catalog/demo-electromob.lheo.xml.

Demonstration data: providers, contacts, prices and sessions are invented; ROME, Formacode,
INSEE and postal codes are real. The output is the same, byte for byte, on every run (fixed
seed, no current date or time).

Usage: python scripts/make_demo_catalog.py [--output FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "data" / "catalog" / "demo-electromob.lheo.xml"
NS = "http://lheo.gouv.fr/2.3"
SEED = 20270104
REGION_HDF = "32"
FORMACODE_VERSION = "V12"

HEADER_COMMENT = (
    " DONNÉES DE DÉMONSTRATION : catalogue fictif généré par scripts/make_demo_catalog.py."
    " Les organismes, adresses de rue, contacts, prix et sessions sont inventés ;"
    " les codes ROME, Formacode, INSEE et postaux sont réels."
    " Ne pas modifier à la main : relancer le script (voir data/catalog/PROVENANCE.md). "
)

# Formacode thesaurus (Centre Inffo) labels. All codes are listed in formacodes_v12.txt of the
# lheo-schema repository except 24049, 24069, 31768, 31828, 42829 and 42835, taken from the
# Formacode table of the same repository (datasources/sources/FCod-utf-8.csv) and RNCP records.
FORMACODES = {
    "11534": "génie chimique",
    "11554": "chimie",
    "11567": "sécurité industrie chimique",
    "12582": "collecte traitement déchet",
    "22605": "froid industriel",
    "22624": "installation frigorifique",
    "22654": "génie climatique",
    "22867": "produit chimique",
    "24049": "habilitation électrique",
    "24054": "électrotechnique",
    "24066": "installation électrique",
    "24069": "maintenance installation électrique",
    "24154": "énergie",
    "24158": "énergie électrique",
    "24162": "gestion énergie",
    "24431": "maintenance système automatisé",
    "24451": "robotique",
    "24454": "automatisme informatique industrielle",
    "24472": "automatisation",
    "31336": "contrôle qualité",
    "31371": "métrologie",
    "31388": "gestion qualité",
    "31620": "conduite installation industrielle",
    "31624": "maintenance industrielle",
    "31629": "bureau méthodes",
    "31652": "gestion production",
    "31654": "génie industriel",
    "31660": "approvisionnement",
    "31663": "gestion stock",
    "31734": "magasinage",
    "31747": "engin manutention levage",
    "31768": "cariste",
    "31776": "geste posture",
    "31828": "transport matière dangereuse",
    "31845": "logistique",
    "42829": "sauvetage secourisme travail",
    "42835": "salle blanche",
    "42866": "prévention sécurité travail",
    "42884": "risque industriel",
}

# Target audiences (Formacode): anyone, job seeker, employee, employee changing career,
# work-study student.
TOUT_PUBLIC, DEMANDEUR, SALARIE, RECONVERSION, ALTERNANT = "80056", "80011", "80044", "80045", "80052"


@dataclass(frozen=True)
class Town:
    insee: str
    postcode: str
    name: str
    lat: float
    lon: float

    @property
    def departement(self) -> str:
        return self.insee[:2]


# Towns: INSEE code and name from INSEE's Code officiel géographique, main postal code (La Poste
# postal code base), town-hall point in WGS 84 (town-hall directory of the French administration).
# Copied once; the script reads no file.
TOWNS = {
    "abbeville": Town("80001", "80100", "Abbeville", 50.10562, 1.83272),
    "amiens": Town("80021", "80000", "Amiens", 49.89342, 2.29541),
    "arras": Town("62041", "62000", "Arras", 50.29306, 2.77852),
    "beauvais": Town("60057", "60000", "Beauvais", 49.42942, 2.08064),
    "bethune": Town("62119", "62400", "Béthune", 50.53049, 2.63825),
    "billy_berclau": Town("62132", "62138", "Billy-Berclau", 50.52138, 2.87031),
    "boulogne": Town("62160", "62200", "Boulogne-sur-Mer", 50.72465, 1.61338),
    "bourbourg": Town("59094", "59630", "Bourbourg", 50.9459, 2.19628),
    "calais": Town("62193", "62100", "Calais", 50.95284, 1.85447),
    "cambrai": Town("59122", "59400", "Cambrai", 50.177, 3.23479),
    "compiegne": Town("60159", "60200", "Compiègne", 49.4179, 2.82537),
    "creil": Town("60175", "60100", "Creil", 49.26079, 2.47339),
    "cuincy": Town("59165", "59553", "Cuincy", 50.3807, 3.03976),
    "denain": Town("59172", "59220", "Denain", 50.3254, 3.39511),
    "douai": Town("59178", "59500", "Douai", 50.36793, 3.08066),
    "douvrin": Town("62276", "62138", "Douvrin", 50.50814, 2.83033),
    "dunkerque": Town("59183", "59140", "Dunkerque", 51.03751, 2.37742),
    "grande_synthe": Town("59271", "59760", "Grande-Synthe", 51.01317, 2.30298),
    "gravelines": Town("59273", "59820", "Gravelines", 50.98745, 2.12538),
    "henin_beaumont": Town("62427", "62110", "Hénin-Beaumont", 50.41988, 2.94728),
    "lambres": Town("59329", "59552", "Lambres-lez-Douai", 50.35318, 3.0642),
    "lens": Town("62498", "62300", "Lens", 50.42926, 2.83243),
    "lievin": Town("62510", "62800", "Liévin", 50.42159, 2.78482),
    "lille": Town("59350", "59000", "Lille", 50.63089, 3.07086),
    "loon_plage": Town("59359", "59279", "Loon-Plage", 51.0306, 2.30202),
    "maubeuge": Town("59392", "59600", "Maubeuge", 50.2787, 3.97282),
    "saint_omer": Town("62765", "62500", "Saint-Omer", 50.75216, 2.25403),
    "saint_quentin": Town("02691", "02100", "Saint-Quentin", 49.84642, 3.2884),
    "valenciennes": Town("59606", "59300", "Valenciennes", 50.35788, 3.52374),
    "villeneuve_ascq": Town("59009", "59650", "Villeneuve-d'Ascq", 50.6189, 3.13077),
}


@dataclass(frozen=True)
class Provider:
    nom: str
    slug: str
    head_site: str
    phone: str
    contact: tuple[str, str, str]  # civilité, prénom, nom of an invented person


# Invented providers: placeholder SIRET and activity numbers (zeros), phones in the ARCEP range for fiction (03 53 01),
# e-mails and websites on example.org.
PROVIDERS = {
    "ime": Provider(
        "Institut des Métiers de l'Électromobilité (fictif)",
        "metiers-electromobilite",
        "douai",
        "03 53 01 20 01",
        ("Madame", "Camille", "Verhaeghe"),
    ),
    "cbag": Provider(
        "Campus Batteries Artois-Gohelle (fictif)",
        "campus-artois-gohelle",
        "lens",
        "03 53 01 20 02",
        ("Monsieur", "Karim", "Dewailly"),
    ),
    "cfef": Provider(
        "Centre Flandre Énergie Formation (fictif)",
        "flandre-energie-formation",
        "dunkerque",
        "03 53 01 20 03",
        ("Madame", "Élodie", "Vandamme"),
    ),
    "aesn": Provider(
        "Atelier-École Sécurité Électrique du Nord (fictif)",
        "securite-electrique-nord",
        "lille",
        "03 53 01 20 04",
        ("Monsieur", "Julien", "Despretz"),
    ),
    "ahif": Provider(
        "Académie Hainaut Industrie du Futur (fictif)",
        "hainaut-industrie-futur",
        "valenciennes",
        "03 53 01 20 05",
        ("Madame", "Sarah", "Lemaire-Dubois"),
    ),
    "plco": Provider(
        "Pôle Logistique Côte d'Opale (fictif)",
        "logistique-cote-opale",
        "calais",
        "03 53 01 20 06",
        ("Monsieur", "Thomas", "Caudron"),
    ),
    "cpp": Provider(
        "Campus Picard des Procédés (fictif)",
        "campus-picard-procedes",
        "amiens",
        "03 53 01 20 07",
        ("Madame", "Inès", "Boulanger-Roussel"),
    ),
    "edist": Provider(
        "Électromob Distanciel, plateforme de formation à distance (fictif)",
        "electromob-distanciel",
        "arras_dist",
        "03 53 01 20 08",
        ("Monsieur", "Hugo", "Delannoy"),
    ),
}


@dataclass(frozen=True)
class Site:
    provider: str
    town: str
    denomination: str
    ligne: str
    # "gps": INSEE code and point; "insee": INSEE code only; "cp": postal code and town name
    # in capitals only, for the importer to find in the gazetteer.
    precision: str


SITES = {
    "douai": Site("ime", "douai", "Institut des Métiers de l'Électromobilité", "145 rue des Techniciens", "gps"),
    "lambres": Site("ime", "lambres", "Plateau technique batteries de Lambres", "4 allée des Ateliers", "gps"),
    "cuincy": Site("ime", "cuincy", "Antenne de Cuincy", "8 rue de la Formation", "insee"),
    "lens": Site("cbag", "lens", "Campus Batteries Artois-Gohelle", "27 avenue des Métiers", "gps"),
    "lievin": Site("cbag", "lievin", "Antenne de Liévin", "3 rue des Compagnons", "insee"),
    "billy_berclau": Site("cbag", "billy_berclau", "Halle de formation de Berclau", "10 rue des Cellules", "gps"),
    "douvrin": Site("cbag", "douvrin", "Atelier-école de Douvrin", "2 rue des Accumulateurs", "cp"),
    "henin_beaumont": Site("cbag", "henin_beaumont", "Antenne d'Hénin-Beaumont", "40 boulevard des Techniques", "cp"),
    "bethune": Site("cbag", "bethune", "Antenne de Béthune", "15 rue de l'Apprentissage", "insee"),
    "dunkerque": Site("cfef", "dunkerque", "Centre Flandre Énergie Formation", "6 quai des Énergies", "gps"),
    "bourbourg": Site("cfef", "bourbourg", "Plateforme technique de Bourbourg", "3 rue des Batteries", "gps"),
    "grande_synthe": Site("cfef", "grande_synthe", "Antenne de Grande-Synthe", "21 avenue de l'Industrie", "cp"),
    "gravelines": Site("cfef", "gravelines", "Antenne de Gravelines", "5 rue des Bassins", "insee"),
    "saint_omer_cfef": Site("cfef", "saint_omer", "Antenne audomaroise", "9 rue des Énergies", "insee"),
    "lille": Site("aesn", "lille", "Atelier-École Sécurité Électrique du Nord", "30 rue des Électriciens", "gps"),
    "villeneuve_ascq": Site(
        "aesn", "villeneuve_ascq", "Antenne de Villeneuve-d'Ascq", "9 avenue de la Recherche", "insee"
    ),
    "arras": Site("aesn", "arras", "Antenne d'Arras", "11 rue des Habilitations", "gps"),
    "valenciennes_aesn": Site("aesn", "valenciennes", "Antenne valenciennoise", "7 rue des Forges", "cp"),
    "valenciennes": Site(
        "ahif", "valenciennes", "Académie Hainaut Industrie du Futur", "52 avenue des Automatismes", "gps"
    ),
    "denain": Site("ahif", "denain", "Atelier de Denain", "14 rue de la Mécanique", "insee"),
    "maubeuge": Site("ahif", "maubeuge", "Antenne de Maubeuge", "3 rue des Régleurs", "gps"),
    "cambrai": Site("ahif", "cambrai", "Antenne de Cambrai", "18 rue des Tisserands", "cp"),
    "calais": Site("plco", "calais", "Pôle Logistique Côte d'Opale", "1 rue des Entrepôts", "insee"),
    "boulogne": Site("plco", "boulogne", "Antenne de Boulogne-sur-Mer", "22 quai de la Logistique", "gps"),
    "loon_plage": Site("plco", "loon_plage", "Plateforme caristes de Loon-Plage", "5 rue des Quais", "gps"),
    "saint_omer": Site("plco", "saint_omer", "Antenne de Saint-Omer", "6 rue des Chariots", "cp"),
    "amiens": Site("cpp", "amiens", "Campus Picard des Procédés", "19 rue de la Chimie", "gps"),
    "abbeville": Site("cpp", "abbeville", "Antenne d'Abbeville", "4 rue des Laboratoires", "insee"),
    "compiegne": Site("cpp", "compiegne", "Antenne de Compiègne", "33 avenue des Procédés", "gps"),
    "beauvais": Site("cpp", "beauvais", "Antenne de Beauvais", "12 rue des Réacteurs", "cp"),
    "saint_quentin": Site("cpp", "saint_quentin", "Antenne de Saint-Quentin", "8 rue des Filatures", "gps"),
    "creil": Site("cpp", "creil", "Antenne de Creil", "2 rue des Pilotes", "insee"),
    "arras_dist": Site(
        "edist", "arras", "Électromob Distanciel, salle de regroupement", "4 place des Savoirs", "insee"
    ),
}

PRESENTIEL, MIXTE, DISTANCE = 0, 1, 2
TWO_YEAR_HOURS = 1350  # two-year work-study BTS, starting in September


@dataclass(frozen=True)
class ActionSpec:
    sites: tuple[str, ...]
    mode: int = PRESENTIEL
    permanent: bool = False
    financeurs: tuple[str, ...] = ("2", "4")  # Région, France Travail (dict-financeurs)
    prix: str | None = None
    publics: tuple[str, ...] = (DEMANDEUR, RECONVERSION)


@dataclass(frozen=True)
class FormationSpec:
    intitule: str
    provider: str
    romes: tuple[str, ...]
    formacodes: tuple[str, ...]
    nsf: tuple[str, ...]
    heures: int
    objectif: str
    resultats: str
    contenu: str
    actions: tuple[ActionSpec, ...]
    objectif_general: str = "7"  # professionnalisation (dict-AIS)
    certifiante: bool = False
    rncp: str | None = None
    niveau_entree: str = "1"  # sans niveau spécifique (dict-niveaux)
    niveau_sortie: str | None = None
    heures_entreprise: int = 0
    parcours: str = "1"  # en groupe (dict-type-parcours)
    conditions: str = "Aucune."
    dates_a_confirmer: bool = False


FORMATIONS = (
    FormationSpec(
        intitule="Habilitation électrique B0L : travailler à proximité des batteries (NF C18-550)",
        provider="aesn",
        romes=("H2705", "H2301", "N1110"),
        formacodes=("24049", "42866"),
        nsf=("344",),
        heures=7,
        objectif="Connaître les dangers de l'électricité sur un site de fabrication de batteries et "
        "travailler sans risque à proximité des cellules, modules et packs, selon la norme NF C18-550.",
        resultats="Avis après formation permettant à l'employeur de délivrer le titre d'habilitation B0L. "
        "Recyclage conseillé tous les trois ans.",
        contenu="<p>Notions d'électricité et de chimie des batteries lithium-ion.</p>"
        "<ul><li>Dangers : choc électrique, arc, emballement thermique</li>"
        "<li>Zones d'environnement et rôle de chacun</li>"
        "<li>Conduite à tenir en cas d'incident ou d'accident</li></ul>",
        actions=(
            ActionSpec(("lille", "arras"), financeurs=("4", "16")),
            ActionSpec(("valenciennes_aesn",), mode=MIXTE, financeurs=("10",), prix="290.00", publics=(TOUT_PUBLIC,)),
        ),
    ),
    FormationSpec(
        intitule="Habilitation électrique B1VL / B2VL : opérations sur véhicules et batteries (NF C18-550)",
        provider="aesn",
        romes=("H2703", "I1309", "H2604"),
        formacodes=("24049", "42866"),
        nsf=("255",),
        heures=21,
        objectif="Réaliser en sécurité des opérations d'ordre électrique sur des véhicules électriques, "
        "des modules et des packs batteries, comme exécutant (B1VL) ou chargé de travaux (B2VL).",
        resultats="Avis après formation pour les symboles B1VL et B2VL, avec évaluation pratique sur banc batterie.",
        contenu="Rappels d'électricité ; prescriptions de la NF C18-550 ; équipements de protection "
        "individuelle et collective ; mise en sécurité d'un pack ; vérification d'absence de tension ; "
        "travaux pratiques sur maquette haute tension.",
        actions=(
            ActionSpec(("lille",), financeurs=("4", "16")),
            ActionSpec(
                ("arras", "villeneuve_ascq"), financeurs=("16", "5"), prix="690.00", publics=(SALARIE, RECONVERSION)
            ),
        ),
        conditions="Connaissances de base en électricité ; port des équipements de protection individuelle.",
    ),
    FormationSpec(
        intitule="Habilitation électrique BCL / BRL : consignation et intervention sur batteries (NF C18-550)",
        provider="cbag",
        romes=("H2703", "H2704", "I1309"),
        formacodes=("24049",),
        nsf=("255",),
        heures=21,
        objectif="Consigner un véhicule ou un système de stockage d'énergie et intervenir en dépannage "
        "sur la partie batterie en toute sécurité.",
        resultats="Avis après formation pour les symboles BCL (consignation) et BRL (intervention générale).",
        contenu="<p>Procédure de consignation en cinq étapes adaptée aux batteries.</p>"
        "<p>Analyse du risque électrique &amp; chimique, outillage isolé, conduite à tenir "
        "face à une cellule endommagée.</p>",
        actions=(
            ActionSpec(("billy_berclau",), financeurs=("2", "4")),
            ActionSpec(("lens",), financeurs=("16",), prix="720.00", publics=(SALARIE,)),
        ),
        conditions="Avoir suivi une formation en électricité ou justifier d'une expérience en maintenance.",
        niveau_entree="13",
    ),
    FormationSpec(
        intitule="Habilitation électrique B2XL : opérations spécifiques sur batteries (NF C18-550)",
        provider="cbag",
        romes=("H2704", "H2604", "I1309"),
        formacodes=("24049",),
        nsf=("255",),
        heures=21,
        objectif="Réaliser les opérations spécifiques sur modules et packs (assemblage, démontage, "
        "contrôle) dans le respect de la norme NF C18-550.",
        resultats="Avis après formation pour le symbole B2XL « opérations spécifiques » batteries.",
        contenu="Architecture d'un pack ; isolement et connexions ; repérage des tensions dangereuses ; "
        "mise en situation sur poste d'assemblage de modules.",
        actions=(ActionSpec(("douvrin",), financeurs=("4", "16")), ActionSpec(("henin_beaumont",), financeurs=("2",))),
    ),
    FormationSpec(
        intitule="Habilitation électrique BR / BC : installations industrielles basse tension (NF C18-510)",
        provider="aesn",
        romes=("I1304", "I1302", "I1309"),
        formacodes=("24049", "24066"),
        nsf=("255",),
        heures=21,
        objectif="Intervenir en dépannage et consigner les équipements basse tension des lignes de "
        "production, selon la norme NF C18-510.",
        resultats="Avis après formation pour les symboles BR et BC.",
        contenu="Grandeurs électriques ; distances et zones ; consignation ; mesurages ; "
        "manœuvres en armoire électrique sur plateau technique.",
        actions=(
            ActionSpec(("lille",), financeurs=("16",), prix="650.00", publics=(SALARIE,)),
            ActionSpec(("arras",), financeurs=("4",)),
        ),
        niveau_entree="13",
    ),
    FormationSpec(
        intitule="Habilitation électrique BS / BE Manœuvre : opérateurs de production (NF C18-510)",
        provider="ahif",
        romes=("H2912", "H2705", "H2301"),
        formacodes=("24049",),
        nsf=("255",),
        heures=14,
        objectif="Effectuer des interventions simples (remplacement de fusible, réarmement) et des "
        "manœuvres sur les équipements de production, selon la norme NF C18-510.",
        resultats="Avis après formation pour les symboles BS et BE Manœuvre.",
        contenu="Dangers de l'électricité ; rôle de l'opérateur ; manœuvres d'exploitation ; "
        "conduite à tenir en cas d'accident d'origine électrique.",
        actions=(
            ActionSpec(("valenciennes", "denain")),
            ActionSpec(("maubeuge",), financeurs=("16",), publics=(SALARIE,)),
        ),
    ),
    FormationSpec(
        intitule="Recyclage habilitation électrique B0L / B1VL : module théorique à distance",
        provider="edist",
        romes=("H2703", "I1309"),
        formacodes=("24049",),
        nsf=("255",),
        heures=4,
        objectif="Mettre à jour ses connaissances réglementaires avant le renouvellement de son "
        "habilitation B0L ou B1VL.",
        resultats="Attestation de suivi du module théorique ; la partie pratique est évaluée par l'employeur.",
        contenu="Capsules vidéo, quiz et classe virtuelle : évolutions de la NF C18-550, retours "
        "d'expérience d'incidents, rappels sur les zones et les équipements.",
        actions=(ActionSpec((), mode=DISTANCE, permanent=True, financeurs=("10",), prix="120.00", publics=(SALARIE,)),),
        objectif_general="3",
        parcours="2",
        conditions="Être déjà titulaire d'une habilitation B0L ou B1VL.",
    ),
    FormationSpec(
        intitule="Sauveteur secouriste du travail (SST)",
        provider="ime",
        romes=("H1303", "N1101", "N1110"),
        formacodes=("42829", "42866"),
        nsf=("344",),
        heures=14,
        objectif="Porter secours à une victime sur son lieu de travail et contribuer à la prévention "
        "des risques dans l'entreprise.",
        resultats="Certificat de sauveteur secouriste du travail, valable 24 mois.",
        contenu="<ul><li>Protéger, examiner, alerter, secourir</li>"
        "<li>Cas particuliers : brûlure chimique, électrisation</li>"
        "<li>Repérer les situations dangereuses &amp; en informer</li></ul>",
        actions=(
            ActionSpec(("douai", "cuincy"), financeurs=("4", "16"), publics=(TOUT_PUBLIC,)),
            ActionSpec(("lambres",), financeurs=("10",), prix="230.00", publics=(TOUT_PUBLIC,)),
        ),
        dates_a_confirmer=True,
    ),
    FormationSpec(
        intitule="CACES® R489 : chariots élévateurs catégories 1A, 3 et 5",
        provider="plco",
        romes=("N1101", "N1110"),
        formacodes=("31768", "31747"),
        nsf=("311",),
        heures=35,
        objectif="Conduire en sécurité les chariots élévateurs utilisés pour approvisionner les lignes "
        "et stocker les batteries, et obtenir le CACES® R489.",
        resultats="Certificat d'aptitude à la conduite en sécurité (CACES®) R489 pour les catégories réussies.",
        contenu="Réglementation et responsabilités ; stabilité et plaques de charge ; vérifications "
        "avant utilisation ; circulation en entrepôt ; gerbage et dégerbage ; tests théorique et pratique.",
        actions=(
            ActionSpec(("loon_plage",), financeurs=("4", "2")),
            ActionSpec(("calais", "boulogne"), financeurs=("10",), prix="1150.00", publics=(TOUT_PUBLIC,)),
        ),
        conditions="Aptitude médicale à la conduite d'engins ; avoir 18 ans.",
    ),
    FormationSpec(
        intitule="Prévention du risque chimique en fabrication de batteries (poudres, solvants, électrolyte)",
        provider="cpp",
        romes=("H2301", "H1303", "H2704"),
        formacodes=("11567", "42884"),
        nsf=("222",),
        heures=14,
        objectif="Identifier les produits dangereux d'une usine de cellules et adopter les bons gestes "
        "de protection, de stockage et d'intervention.",
        resultats="Attestation de formation ; lecture sûre d'une fiche de données de sécurité.",
        contenu="<p>Étiquetage CLP et fiches de données de sécurité.</p>"
        "<p>Poudres de matériaux actifs, solvant NMP, électrolyte &amp; sels de lithium : "
        "effets, protections, conduite à tenir en cas de fuite.</p>",
        actions=(
            ActionSpec(("amiens", "compiegne")),
            ActionSpec(("saint_quentin",), financeurs=("16",), publics=(SALARIE,)),
        ),
    ),
    FormationSpec(
        intitule="Travail en salle propre et en salle anhydre (dry room) : habillage, gestes et contamination",
        provider="ime",
        romes=("H2705", "H1528", "H2912"),
        formacodes=("42835", "31336"),
        nsf=("200",),
        heures=14,
        objectif="Travailler en atmosphère contrôlée, très sèche et propre, sans dégrader la qualité "
        "des cellules ni sa propre santé.",
        resultats="Attestation de formation et validation pratique de l'habillage en sas.",
        contenu="Classes de propreté ; point de rosée et humidité ; sas et habillage ; circulation du "
        "matériel ; nettoyage ; réflexes en cas d'alarme.",
        actions=(
            ActionSpec(("lambres",), financeurs=("4", "2")),
            ActionSpec(("douai",), financeurs=("16",), publics=(SALARIE, RECONVERSION)),
        ),
        conditions="Aptitude médicale au port prolongé d'équipements de salle propre.",
    ),
    FormationSpec(
        intitule="Risque incendie et emballement thermique des batteries lithium-ion",
        provider="cfef",
        romes=("H1303", "H2703", "H2704"),
        formacodes=("42884", "42866"),
        nsf=("344",),
        heures=7,
        objectif="Reconnaître les signes d'un emballement thermique et réagir vite et bien : alerte, "
        "isolement, évacuation, premiers moyens d'extinction.",
        resultats="Attestation de formation et exercice pratique d'intervention.",
        contenu="Mécanismes de l'emballement ; détection ; stockage des cellules défectueuses ; "
        "moyens d'extinction adaptés ; exercice sur simulateur.",
        actions=(
            ActionSpec(("dunkerque", "bourbourg"), financeurs=("4", "16"), publics=(TOUT_PUBLIC,)),
            ActionSpec(("gravelines",), financeurs=("5",), prix="260.00", publics=(SALARIE,)),
        ),
    ),
    FormationSpec(
        intitule="Prévention des risques liés à l'activité physique (PRAP) : gestes et postures en production",
        provider="plco",
        romes=("N1110", "N1101", "H2604"),
        formacodes=("31776", "42866"),
        nsf=("344",),
        heures=14,
        objectif="Préserver sa santé au poste de travail en adoptant de bons gestes et en proposant des améliorations.",
        resultats="Certificat d'acteur PRAP.",
        contenu="Fonctionnement du corps humain ; analyse d'une situation de travail ; principes de "
        "sécurité physique et d'économie d'effort ; manutention de modules et de bacs.",
        actions=(
            ActionSpec(("calais",), mode=MIXTE, financeurs=("4",)),
            ActionSpec(("saint_omer",), financeurs=("16",), publics=(SALARIE,)),
        ),
    ),
    FormationSpec(
        intitule="Découvrir les métiers de la batterie : parcours d'orientation à distance",
        provider="edist",
        romes=("H2705", "H2604", "N1110"),
        formacodes=("24154",),
        nsf=("227",),
        heures=35,
        objectif="Découvrir les métiers des usines de batteries des Hauts-de-France et construire "
        "son projet professionnel.",
        resultats="Un projet professionnel argumenté et un parcours de formation identifié.",
        contenu="<p>Visites virtuelles d'ateliers, témoignages d'opératrices et de techniciens, "
        "ateliers de projet en classe virtuelle.</p><p>Points sur les horaires postés, "
        "les salaires &amp; les évolutions possibles.</p>",
        actions=(ActionSpec((), mode=DISTANCE, permanent=True, financeurs=("4", "2"), publics=(TOUT_PUBLIC,)),),
        objectif_general="9",
        parcours="2",
    ),
    FormationSpec(
        intitule="Les fondamentaux de la batterie lithium-ion : de la cellule au pack",
        provider="edist",
        romes=("H2705", "H1528", "H1404"),
        formacodes=("24158", "24154"),
        nsf=("227",),
        heures=21,
        objectif="Comprendre le fonctionnement d'une cellule lithium-ion et les grandes étapes de "
        "fabrication d'une batterie.",
        resultats="Attestation de réussite au quiz final.",
        contenu="Électrochimie simplifiée ; électrodes, séparateur, électrolyte ; formats de cellules ; "
        "modules et packs ; système de gestion de batterie ; fin de vie et recyclage.",
        actions=(
            ActionSpec((), mode=DISTANCE, permanent=True, financeurs=("10",), prix="390.00", publics=(TOUT_PUBLIC,)),
            ActionSpec(("arras_dist",), mode=MIXTE, financeurs=("4",)),
        ),
        objectif_general="3",
        parcours="2",
    ),
    FormationSpec(
        intitule="Titre professionnel Conducteur d'installations et de machines automatisées (CIMA)",
        provider="cbag",
        romes=("H2705", "H2912"),
        formacodes=("31620", "24472"),
        nsf=("201",),
        heures=735,
        heures_entreprise=140,
        objectif="Préparer, conduire et surveiller une installation de production automatisée, et "
        "réaliser la maintenance de premier niveau.",
        resultats="Titre professionnel de niveau 3 (CAP) du ministère chargé de l'emploi.",
        contenu="<ul><li>Préparer et lancer la production</li><li>Conduire l'installation et "
        "contrôler la qualité</li><li>Maintenance de premier niveau</li>"
        "<li>Stage en entreprise de 4 semaines</li></ul>",
        actions=(
            ActionSpec(("billy_berclau", "lens"), financeurs=("2", "4")),
            ActionSpec(("henin_beaumont",), financeurs=("2", "3")),
        ),
        objectif_general="6",
        certifiante=True,
        niveau_sortie="13",
        conditions="Savoir lire, écrire et compter ; tests de positionnement à l'entrée.",
    ),
    FormationSpec(
        intitule="CQPM Pilote de ligne de production, option batteries",
        provider="ahif",
        romes=("H2705", "H2912"),
        formacodes=("31620", "31652"),
        nsf=("201",),
        heures=455,
        heures_entreprise=105,
        objectif="Piloter une ligne de fabrication de cellules ou de modules : démarrages, réglages "
        "simples, suivi des indicateurs et animation de la qualité.",
        resultats="Certificat de qualification paritaire de la métallurgie (CQPM).",
        contenu="Organisation d'une ligne ; lecture des consignes et des plans de contrôle ; "
        "indicateurs de performance ; résolution de problèmes ; communication d'équipe.",
        actions=(
            ActionSpec(("valenciennes",), financeurs=("16", "4"), publics=(DEMANDEUR, SALARIE)),
            ActionSpec(("denain", "maubeuge"), financeurs=("2",)),
        ),
        objectif_general="6",
        certifiante=True,
        niveau_sortie="14",
        niveau_entree="13",
    ),
    FormationSpec(
        intitule="Bac pro Pilote de ligne de production en alternance pour adultes",
        provider="cpp",
        romes=("H2705", "H2912"),
        formacodes=("31620",),
        nsf=("201",),
        heures=1200,
        heures_entreprise=560,
        objectif="Obtenir le baccalauréat professionnel Pilote de ligne de production en un an, en "
        "alternant centre de formation et entreprise.",
        resultats="Baccalauréat professionnel (niveau 4).",
        contenu="Enseignements professionnels : conduite de ligne, réglages, qualité, maintenance ; "
        "enseignements généraux adaptés aux adultes.",
        actions=(ActionSpec(("saint_quentin", "compiegne"), financeurs=("2", "16"), publics=(DEMANDEUR, ALTERNANT)),),
        objectif_general="6",
        certifiante=True,
        niveau_sortie="14",
        niveau_entree="13",
        parcours="4",
        conditions="Avoir un niveau CAP ou une expérience industrielle ; contrat de professionnalisation.",
    ),
    FormationSpec(
        intitule="Opérateur·rice de fabrication de cellules lithium-ion (préparation opérationnelle à l'emploi)",
        provider="ime",
        romes=("H2705", "H2301"),
        formacodes=("31620", "24158"),
        nsf=("201",),
        heures=399,
        heures_entreprise=70,
        objectif="Se former au poste d'opérateur ou d'opératrice de fabrication avant une embauche "
        "dans une usine de batteries.",
        resultats="Attestation de compétences et promesse d'embauche dans le cadre de la POEC.",
        contenu="Étapes de fabrication d'une cellule ; conduite de machine ; autocontrôles ; 5S ; "
        "sécurité au poste ; immersion en entreprise.",
        actions=(ActionSpec(("douai", "lambres"), financeurs=("4", "16")), ActionSpec(("cuincy",), financeurs=("4",))),
        dates_a_confirmer=True,
    ),
    FormationSpec(
        intitule="Technicien·ne de maintenance batteries de véhicules électriques et de stockage stationnaire",
        provider="cbag",
        romes=("H2703", "I1309"),
        formacodes=("31624", "24158"),
        nsf=("250",),
        heures=455,
        heures_entreprise=140,
        objectif="Diagnostiquer, réparer et remettre en service des batteries de traction et des "
        "systèmes de stockage d'énergie.",
        resultats="Attestation de compétences ; habilitations B2VL et BCL intégrées au parcours.",
        contenu="<p>Architecture des packs &amp; système de gestion de batterie (BMS).</p>"
        "<p>Diagnostic, équilibrage, remplacement de modules, essais d'isolement.</p>",
        actions=(
            ActionSpec(("lens", "lievin"), financeurs=("2", "4")),
            ActionSpec(("bethune",), financeurs=("16",), publics=(SALARIE, RECONVERSION)),
        ),
        niveau_entree="14",
        conditions="Bac technique (électrotechnique, maintenance) ou expérience équivalente.",
    ),
    FormationSpec(
        intitule="BTS Maintenance des systèmes option A systèmes de production (alternance)",
        provider="ahif",
        romes=("I1304", "I1302", "I1309"),
        formacodes=("31624", "24431"),
        nsf=("250",),
        heures=1350,
        objectif="Devenir technicien ou technicienne supérieure de maintenance des équipements "
        "automatisés de production.",
        resultats="Brevet de technicien supérieur (niveau 5).",
        contenu="Analyse des défaillances ; maintenance préventive et corrective ; automatismes ; "
        "hydraulique & pneumatique ; organisation de la maintenance ; anglais technique.",
        actions=(
            ActionSpec(("valenciennes",), financeurs=("16",), publics=(ALTERNANT,)),
            ActionSpec(("maubeuge",), financeurs=("16",), publics=(ALTERNANT,)),
        ),
        objectif_general="6",
        certifiante=True,
        niveau_entree="14",
        niveau_sortie="15",
        parcours="4",
        conditions="Baccalauréat ou équivalent ; contrat d'apprentissage ou de professionnalisation.",
    ),
    FormationSpec(
        intitule="BTS Électrotechnique en alternance",
        provider="aesn",
        romes=("I1309", "I1302"),
        formacodes=("24054", "24069"),
        nsf=("255",),
        heures=1350,
        rncp="35346",
        objectif="Concevoir, réaliser et maintenir des installations électriques industrielles, "
        "de la distribution d'énergie aux équipements de production.",
        resultats="Brevet de technicien supérieur (niveau 5).",
        contenu="Distribution électrique ; motorisation ; automatismes et réseaux ; efficacité "
        "énergétique ; conduite de projet ; sécurité électrique.",
        actions=(
            ActionSpec(("lille",), financeurs=("16",), publics=(ALTERNANT,)),
            ActionSpec(("arras",), financeurs=("16",), publics=(ALTERNANT,)),
        ),
        objectif_general="6",
        certifiante=True,
        niveau_entree="14",
        niveau_sortie="15",
        parcours="4",
        conditions="Baccalauréat ou équivalent ; contrat d'apprentissage ou de professionnalisation.",
    ),
    FormationSpec(
        intitule="Titre professionnel Technicien de maintenance industrielle",
        provider="ime",
        romes=("I1304", "I1309", "I1302"),
        formacodes=("31624",),
        nsf=("250",),
        heures=1050,
        heures_entreprise=175,
        rncp="41536",
        objectif="Maintenir et rétablir le fonctionnement des équipements industriels : maintenance "
        "corrective, préventive et amélioration.",
        resultats="Titre professionnel de niveau 4 du ministère chargé de l'emploi.",
        contenu="<p>Mécanique, électricité, pneumatique &amp; hydraulique industrielles.</p>"
        "<ul><li>Diagnostic et dépannage</li><li>Plans de maintenance préventive</li>"
        "<li>Amélioration des équipements</li></ul>",
        actions=(ActionSpec(("douai",), financeurs=("2", "4")), ActionSpec(("cuincy",), financeurs=("2", "3"))),
        objectif_general="6",
        certifiante=True,
        niveau_entree="13",
        niveau_sortie="14",
        conditions="Niveau CAP/BEP en mécanique ou électricité, ou expérience industrielle.",
    ),
    FormationSpec(
        intitule="Titre professionnel Électricien d'installation et de maintenance des systèmes automatisés",
        provider="ahif",
        romes=("I1302", "I1309"),
        formacodes=("24431",),
        nsf=("250",),
        heures=840,
        heures_entreprise=140,
        rncp="38561",
        objectif="Installer, raccorder, mettre en service et dépanner la partie électrique d'équipements automatisés.",
        resultats="Titre professionnel de niveau 3 du ministère chargé de l'emploi.",
        contenu="Armoires et coffrets ; capteurs et actionneurs ; câblage ; mise en service ; "
        "maintenance préventive et corrective ; habilitation électrique intégrée.",
        actions=(ActionSpec(("denain",), financeurs=("2", "4")), ActionSpec(("cambrai",), financeurs=("2",))),
        objectif_general="6",
        certifiante=True,
        niveau_sortie="13",
        dates_a_confirmer=True,
    ),
    FormationSpec(
        intitule="CQPM Technicien de maintenance productive (produit/process)",
        provider="cfef",
        romes=("I1304", "H1404", "H2912"),
        formacodes=("31624",),
        nsf=("250",),
        heures=560,
        heures_entreprise=140,
        rncp="41814",
        objectif="Surveiller les équipements de production à l'aide d'indicateurs et conduire les "
        "actions de maintenance et d'amélioration du procédé.",
        resultats="Certificat de qualification paritaire de la métallurgie, niveau 5.",
        contenu="Indicateurs MTBF, MTTR, TRS ; analyse de dérives ; maintenance préventive "
        "conditionnelle ; plans d'action ; traçabilité.",
        actions=(
            ActionSpec(("dunkerque",), financeurs=("16", "4"), publics=(SALARIE, DEMANDEUR)),
            ActionSpec(("bourbourg", "grande_synthe"), financeurs=("2",)),
        ),
        objectif_general="6",
        certifiante=True,
        niveau_entree="14",
        niveau_sortie="15",
    ),
    FormationSpec(
        intitule="Automatismes industriels : programmer et dépanner un automate programmable (API)",
        provider="ahif",
        romes=("I1302", "H2912"),
        formacodes=("24454", "24472"),
        nsf=("201",),
        heures=140,
        objectif="Lire, modifier et dépanner un programme d'automate sur une ligne de production.",
        resultats="Attestation de compétences en programmation d'automates.",
        contenu="Architecture d'un automate ; entrées/sorties ; langages ladder et grafcet ; "
        "supervision ; diagnostic sur maquettes de ligne.",
        actions=(
            ActionSpec(
                ("valenciennes",), mode=MIXTE, financeurs=("10", "16"), prix="3360.00", publics=(SALARIE, RECONVERSION)
            ),
            ActionSpec(("maubeuge", "cambrai"), financeurs=("4",)),
        ),
        niveau_entree="13",
    ),
    FormationSpec(
        intitule="Robotique industrielle : conduite et maintenance de cellules robotisées",
        provider="cfef",
        romes=("I1302", "I1304", "H2912"),
        formacodes=("24451",),
        nsf=("201",),
        heures=105,
        objectif="Conduire, reprendre et dépanner une cellule robotisée d'assemblage de modules.",
        resultats="Attestation de compétences en robotique industrielle.",
        contenu="Sécurité des cellules ; déplacements et repères ; reprise de trajectoires ; "
        "préhension ; diagnostic des défauts courants.",
        actions=(
            ActionSpec(("bourbourg",), financeurs=("4", "16")),
            ActionSpec(("dunkerque",), financeurs=("16",), prix="2650.00", publics=(SALARIE,)),
        ),
        niveau_entree="13",
    ),
    FormationSpec(
        intitule="Bases de l'électrotechnique : remise à niveau à distance pour la maintenance",
        provider="edist",
        romes=("I1309", "I1304"),
        formacodes=("24054",),
        nsf=("255",),
        heures=70,
        objectif="Acquérir ou revoir les bases de l'électricité avant une formation de maintenance.",
        resultats="Attestation de positionnement et de progression.",
        contenu="Loi d'Ohm, puissance, courant alternatif, schémas électriques, appareils de mesure : "
        "exercices interactifs et tutorat à distance.",
        actions=(
            ActionSpec(
                (), mode=DISTANCE, permanent=True, financeurs=("10", "4"), prix="840.00", publics=(TOUT_PUBLIC,)
            ),
        ),
        objectif_general="5",
        parcours="2",
    ),
    FormationSpec(
        intitule="Maintenance préventive et diagnostic des équipements de production de batteries",
        provider="cfef",
        romes=("I1304", "I1309"),
        formacodes=("31624",),
        nsf=("250",),
        heures=70,
        objectif="Organiser la maintenance préventive des équipements de fabrication de cellules et "
        "diagnostiquer les pannes les plus fréquentes.",
        resultats="Attestation de formation.",
        contenu="Enduiseuses, calandres, empileuses, fours de séchage : points de contrôle, gammes "
        "préventives, analyse des causes, GMAO.",
        actions=(
            ActionSpec(("grande_synthe",), financeurs=("16",), publics=(SALARIE,)),
            ActionSpec(("saint_omer_cfef",), financeurs=("4",)),
        ),
        niveau_entree="13",
    ),
    FormationSpec(
        intitule="Monteur·se câbleur·se de modules et packs batteries",
        provider="cbag",
        romes=("H2604",),
        formacodes=("24066", "31620"),
        nsf=("255",),
        heures=280,
        heures_entreprise=70,
        objectif="Assembler, câbler et contrôler des modules et des packs batteries en respectant les "
        "règles de sécurité électrique.",
        resultats="Attestation de compétences ; habilitation B1VL intégrée.",
        contenu="Lecture de plans ; connectique et barres de liaison ; vissage et serrage contrôlés ; "
        "contrôles d'isolement ; traçabilité.",
        actions=(
            ActionSpec(("douvrin", "billy_berclau"), financeurs=("2", "4")),
            ActionSpec(("lievin",), financeurs=("4",)),
        ),
    ),
    FormationSpec(
        intitule="Opérateur·rice d'assemblage automatisé de cellules et de modules",
        provider="cfef",
        romes=("H2604", "H2705"),
        formacodes=("31620", "24451"),
        nsf=("201",),
        heures=280,
        heures_entreprise=70,
        objectif="Conduire les postes automatisés d'empilage, de soudure laser et de mise en module.",
        resultats="Attestation de compétences.",
        contenu="<p>Empilage &amp; enroulement, soudure des languettes, remplissage d'électrolyte, "
        "mise en module.</p><p>Autocontrôles, changements de série, sécurité robotique.</p>",
        actions=(
            ActionSpec(("bourbourg", "dunkerque"), financeurs=("2", "4")),
            ActionSpec(("gravelines",), financeurs=("4",)),
        ),
    ),
    FormationSpec(
        intitule="Opérateur·rice de procédés : mélange et enduction des électrodes",
        provider="cpp",
        romes=("H2301", "H2705"),
        formacodes=("11534", "22867"),
        nsf=("222",),
        heures=350,
        heures_entreprise=70,
        objectif="Conduire les étapes de fabrication des électrodes : mélange des pâtes, enduction, "
        "séchage et calandrage.",
        resultats="Attestation de compétences.",
        contenu="Matières premières ; viscosité et dosage ; enduction et séchage ; calandrage ; "
        "mesures d'épaisseur et de grammage ; sécurité des solvants.",
        actions=(ActionSpec(("amiens",), financeurs=("2", "4")), ActionSpec(("creil", "compiegne"), financeurs=("2",))),
    ),
    FormationSpec(
        intitule="CQP Conducteur d'appareils des industries chimiques",
        provider="cpp",
        romes=("H2301",),
        formacodes=("11554", "11534"),
        nsf=("222",),
        heures=490,
        heures_entreprise=140,
        objectif="Conduire des appareils de fabrication chimique en continu ou par lots, dans le "
        "respect de la sécurité et de l'environnement.",
        resultats="Certificat de qualification professionnelle de la branche chimie.",
        contenu="Opérations unitaires ; lecture de schémas de procédé ; conduite en salle de contrôle ; "
        "prélèvements ; consignes de sécurité et d'environnement.",
        actions=(
            ActionSpec(("amiens", "abbeville"), financeurs=("2", "16")),
            ActionSpec(("beauvais",), financeurs=("16",), publics=(SALARIE,)),
        ),
        objectif_general="6",
        certifiante=True,
        niveau_sortie="13",
    ),
    FormationSpec(
        intitule="BTS Pilotage de procédés (alternance)",
        provider="cpp",
        romes=("H2301", "H2701"),
        formacodes=("11534", "31620"),
        nsf=("222",),
        heures=1350,
        objectif="Piloter des unités de production chimique ou électrochimique et optimiser les procédés.",
        resultats="Brevet de technicien supérieur (niveau 5).",
        contenu="Génie des procédés ; régulation ; chimie ; qualité, hygiène, sécurité &amp; "
        "environnement ; conduite d'unité pilote.",
        actions=(ActionSpec(("compiegne",), financeurs=("16",), publics=(ALTERNANT,)),),
        objectif_general="6",
        certifiante=True,
        niveau_entree="14",
        niveau_sortie="15",
        parcours="4",
        conditions="Baccalauréat scientifique ou technologique ; contrat d'apprentissage.",
    ),
    FormationSpec(
        intitule="Technicien·ne de formation électrique et de vieillissement des cellules",
        provider="cfef",
        romes=("H2705", "H1528"),
        formacodes=("24158", "31336"),
        nsf=("227",),
        heures=210,
        objectif="Conduire les bancs de formation électrique et de vieillissement des cellules, "
        "analyser les courbes et écarter les cellules non conformes.",
        resultats="Attestation de compétences.",
        contenu="Premières charges ; cycles et capacité ; autodécharge ; lecture des courbes ; "
        "sécurité des salles de formation.",
        actions=(ActionSpec(("dunkerque",), financeurs=("4", "16")), ActionSpec(("bourbourg",), financeurs=("2",))),
        niveau_entree="14",
    ),
    FormationSpec(
        intitule="Technicien·ne qualité et contrôle des cellules de batteries",
        provider="ime",
        romes=("H1528", "H1404"),
        formacodes=("31336", "31388", "31371"),
        nsf=("200",),
        heures=385,
        heures_entreprise=105,
        objectif="Contrôler la qualité des électrodes, des cellules et des modules, et piloter le "
        "traitement des non-conformités.",
        resultats="Attestation de compétences.",
        contenu="<ul><li>Plans de contrôle et métrologie</li><li>Analyse des défauts</li>"
        "<li>Audits de poste &amp; traçabilité</li><li>Outils de résolution de problèmes</li></ul>",
        actions=(
            ActionSpec(("douai",), financeurs=("2", "4")),
            ActionSpec(("lambres",), financeurs=("16",), publics=(SALARIE, RECONVERSION)),
        ),
        niveau_entree="14",
    ),
    FormationSpec(
        intitule="Métrologie et maîtrise statistique des procédés (MSP/SPC)",
        provider="aesn",
        romes=("H1528", "H1404", "H2912"),
        formacodes=("31371", "31336"),
        nsf=("200",),
        heures=35,
        objectif="Mesurer juste et suivre un procédé avec des cartes de contrôle pour réagir avant "
        "l'apparition de défauts.",
        resultats="Attestation de formation.",
        contenu="Incertitude de mesure ; capabilité ; cartes de contrôle ; règles de réaction ; "
        "exercices sur données de production.",
        actions=(
            ActionSpec(("villeneuve_ascq",), mode=MIXTE, financeurs=("16",), prix="1190.00", publics=(SALARIE,)),
            ActionSpec((), mode=DISTANCE, financeurs=("10",), prix="890.00", publics=(TOUT_PUBLIC,)),
        ),
        niveau_entree="14",
    ),
    FormationSpec(
        intitule="Lean manufacturing et amélioration continue en usine de batteries",
        provider="edist",
        romes=("H1404", "H2705", "H1528"),
        formacodes=("31652", "31654"),
        nsf=("200",),
        heures=28,
        objectif="Animer des chantiers d'amélioration continue sur une ligne de production.",
        resultats="Attestation de formation.",
        contenu="5S ; standard de travail ; réduction des gaspillages ; SMED ; résolution de "
        "problèmes en équipe ; études de cas.",
        actions=(
            ActionSpec((), mode=DISTANCE, financeurs=("10", "16"), prix="560.00", publics=(SALARIE, RECONVERSION)),
        ),
        objectif_general="3",
    ),
    FormationSpec(
        intitule="Technicien·ne méthodes et industrialisation en production de batteries",
        provider="ahif",
        romes=("H1404", "H2912"),
        formacodes=("31629", "31654"),
        nsf=("200",),
        heures=420,
        heures_entreprise=140,
        objectif="Définir les gammes, les temps et les postes de travail d'une ligne de batteries, "
        "et accompagner les démarrages.",
        resultats="Attestation de compétences.",
        contenu="Gammes et nomenclatures ; chronométrage ; ergonomie ; implantation ; "
        "industrialisation de nouveaux produits.",
        actions=(ActionSpec(("valenciennes", "denain"), financeurs=("2", "4")),),
        niveau_entree="14",
    ),
    FormationSpec(
        intitule="Technicien·ne hygiène, sécurité, environnement (HSE) en site industriel",
        provider="cfef",
        romes=("H1303",),
        formacodes=("42866", "42884"),
        nsf=("344",),
        heures=420,
        heures_entreprise=140,
        objectif="Prévenir les risques professionnels et environnementaux d'un site industriel "
        "classé et animer la culture sécurité.",
        resultats="Attestation de compétences.",
        contenu="<p>Document unique ; analyses de risques ; permis de travail ; ICPE &amp; Seveso ; "
        "gestion des déchets ; enquêtes accident.</p>",
        actions=(
            ActionSpec(("dunkerque",), financeurs=("2", "4")),
            ActionSpec(("saint_omer_cfef",), financeurs=("2",)),
        ),
        niveau_entree="14",
    ),
    FormationSpec(
        intitule="Titre professionnel Agent magasinier",
        provider="plco",
        romes=("N1110", "N1101"),
        formacodes=("31734", "31663"),
        nsf=("311",),
        heures=420,
        heures_entreprise=105,
        objectif="Réceptionner, stocker et préparer les marchandises, et conduire un chariot en sécurité.",
        resultats="Titre professionnel de niveau 3 du ministère chargé de l'emploi ; CACES® R489 inclus.",
        contenu="Réception & contrôle ; stockage ; inventaires ; préparation de commandes ; "
        "outils informatiques de gestion de stock ; conduite de chariots.",
        actions=(ActionSpec(("calais",), financeurs=("2", "4")), ActionSpec(("boulogne",), financeurs=("2",))),
        objectif_general="6",
        certifiante=True,
        niveau_sortie="13",
    ),
    FormationSpec(
        intitule="Approvisionnement bord de ligne : kitting, kanban et flux en usine de batteries",
        provider="plco",
        romes=("N1110", "N1101", "H1404"),
        formacodes=("31660", "31845"),
        nsf=("311",),
        heures=70,
        objectif="Alimenter les lignes au bon moment avec les bons composants, sans rupture ni surstock.",
        resultats="Attestation de formation.",
        contenu="Flux tirés ; kanban ; préparation de kits ; trains logistiques ; traçabilité des "
        "lots ; sécurité des circulations.",
        actions=(ActionSpec(("loon_plage",), financeurs=("4", "16")), ActionSpec(("calais",), financeurs=("4",))),
        dates_a_confirmer=True,
    ),
    FormationSpec(
        intitule="Stockage et transport des batteries lithium (ADR classe 9, matières dangereuses)",
        provider="plco",
        romes=("H2704", "N1110", "N1101"),
        formacodes=("31828", "31845"),
        nsf=("311",),
        heures=14,
        objectif="Appliquer les règles de stockage, d'emballage et d'expédition des batteries lithium.",
        resultats="Attestation de sensibilisation ADR (chapitre 1.3).",
        contenu="Classe 9 et numéros ONU ; emballages et étiquetage ; stockage des cellules "
        "endommagées ; documents de transport &amp; responsabilités.",
        actions=(
            ActionSpec(("loon_plage",), financeurs=("16",), publics=(SALARIE,)),
            ActionSpec((), mode=DISTANCE, financeurs=("10",), prix="240.00", publics=(TOUT_PUBLIC,)),
        ),
    ),
    FormationSpec(
        intitule="BTS Conception et réalisation de systèmes automatiques (CRSA) en alternance",
        provider="ime",
        romes=("I1302", "H2912"),
        formacodes=("24472", "24431"),
        nsf=("201",),
        heures=1350,
        objectif="Concevoir, réaliser et mettre au point des systèmes automatisés de production.",
        resultats="Brevet de technicien supérieur (niveau 5).",
        contenu="Automatismes et robotique ; mécanique ; pneumatique ; réseaux industriels ; "
        "projet industriel en entreprise.",
        actions=(ActionSpec(("douai",), financeurs=("16",), publics=(ALTERNANT,)),),
        objectif_general="6",
        certifiante=True,
        niveau_entree="14",
        niveau_sortie="15",
        parcours="4",
        conditions="Baccalauréat ou équivalent ; contrat d'apprentissage.",
    ),
    FormationSpec(
        intitule=(
            "Démontage et mise en sécurité des batteries de véhicules électriques (fin de vie, seconde vie, recyclage)"
        ),
        provider="cfef",
        romes=("H2704",),
        formacodes=("12582", "24158"),
        nsf=("343",),
        heures=280,
        heures_entreprise=70,
        objectif="Mettre en sécurité, décharger et démonter des batteries de véhicules électriques en "
        "fin de vie ou accidentées, pour le réemploi des modules ou le recyclage des matériaux.",
        resultats="Attestation de compétences ; habilitation B2XL intégrée au parcours.",
        contenu="<p>Diagnostic d'entrée &amp; tri des batteries : saines, endommagées, critiques.</p>"
        "<ul><li>Décharge et mise en sécurité</li>"
        "<li>Ouverture du pack, séparation des modules, câbles et boîtiers</li>"
        "<li>Stockage des cellules à risque</li><li>Filières de seconde vie et de recyclage</li></ul>",
        actions=(
            ActionSpec(("bourbourg", "grande_synthe"), financeurs=("2", "4")),
            ActionSpec(("gravelines",), financeurs=("4", "16")),
        ),
        conditions="Aptitude médicale ; port des équipements de protection individuelle.",
    ),
    FormationSpec(
        intitule="Manipulation des fluides frigorigènes : attestation d'aptitude catégorie I",
        provider="ahif",
        romes=("H2701", "I1304"),
        formacodes=("22624", "22605"),
        nsf=("227",),
        heures=35,
        objectif="Intervenir sur les circuits des groupes froids et des déshumidificateurs dans le "
        "respect de la réglementation des fluides frigorigènes.",
        resultats="Évaluation théorique et pratique en vue de l'attestation d'aptitude de catégorie I.",
        contenu="Réglementation des fluides frigorigènes ; impact sur le climat ; contrôle d'étanchéité ; "
        "récupération et charge ; brasage ; épreuves théorique et pratique.",
        actions=(
            ActionSpec(("valenciennes",), financeurs=("16", "10"), prix="1450.00", publics=(SALARIE, RECONVERSION)),
            ActionSpec(("maubeuge",), financeurs=("4",)),
        ),
        niveau_entree="13",
        conditions="Connaissances de base en froid ou en électricité.",
    ),
    FormationSpec(
        intitule="Technicien·ne des utilités industrielles : énergie, froid, air comprimé et salles anhydres",
        provider="cfef",
        romes=("H2701", "I1304"),
        formacodes=("24154", "22605", "22654"),
        nsf=("227",),
        heures=490,
        heures_entreprise=140,
        objectif="Conduire, surveiller et entretenir les installations qui alimentent l'usine : postes "
        "électriques, groupes froids, compresseurs, centrales de traitement d'air.",
        resultats="Attestation de compétences.",
        contenu="Rondes et relevés ; supervision ; production de froid ; air comprimé & azote ; "
        "déshumidification des salles anhydres ; consignation ; suivi des consommations.",
        actions=(
            ActionSpec(("dunkerque",), financeurs=("2", "4")),
            ActionSpec(("gravelines", "bourbourg"), financeurs=("2", "16")),
        ),
        niveau_entree="14",
        conditions="Bac technique (électrotechnique, maintenance, énergie) ou expérience équivalente.",
    ),
    FormationSpec(
        intitule="Gestion de l'énergie en site industriel (ISO 50001) : mesurer, analyser, économiser",
        provider="edist",
        romes=("H2701", "H1404"),
        formacodes=("24162",),
        nsf=("227",),
        heures=35,
        objectif="Suivre les consommations d'énergie d'une usine et proposer des économies, dans "
        "l'esprit de la norme ISO 50001.",
        resultats="Attestation de formation.",
        contenu="Comptage et indicateurs ; revue énergétique ; gros consommateurs d'une usine de "
        "batteries (salles anhydres, fours, formation des cellules) ; plan d'action ; exercices.",
        actions=(
            ActionSpec((), mode=DISTANCE, financeurs=("10", "16"), prix="690.00", publics=(SALARIE, RECONVERSION)),
        ),
        objectif_general="3",
        niveau_entree="14",
    ),
)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    """Appends a child in the LHEO namespace."""
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", attrib)
    if text is not None:
        element.text = text
    return element


class CatalogBuilder:
    """Builds the LHEO tree; one random generator, drawn in a fixed order."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.session_count = 0
        self.points = {
            key: self._jitter(TOWNS[site.town]) for key, site in sorted(SITES.items()) if site.precision == "gps"
        }

    def _jitter(self, town: Town) -> tuple[str, str]:
        """A point a few hundred metres from the town hall."""
        lat = town.lat + self.rng.uniform(-0.003, 0.003)
        lon = town.lon + self.rng.uniform(-0.004, 0.004)
        return f"{lat:.5f}", f"{lon:.5f}"

    def address(self, parent: etree._Element, site_key: str) -> None:
        """An <adresse> as precise as the site's `precision`."""
        site = SITES[site_key]
        town = TOWNS[site.town]
        adresse = _sub(parent, "adresse")
        _sub(adresse, "denomination", site.denomination)
        _sub(adresse, "ligne", site.ligne)
        _sub(adresse, "codepostal", town.postcode)
        if site.precision == "cp":
            _sub(adresse, "ville", town.name.upper())
            return
        _sub(adresse, "ville", town.name)
        _sub(adresse, "departement", town.departement)
        _sub(adresse, "code-INSEE-commune", town.insee)
        _sub(adresse, "region", REGION_HDF)
        _sub(adresse, "pays", "FR")
        if site.precision == "gps":
            geo = _sub(adresse, "geolocalisation")
            lat, lon = self.points[site_key]
            _sub(geo, "latitude", lat)
            _sub(geo, "longitude", lon)

    def coordinates(self, parent: etree._Element, provider_key: str, person: bool) -> None:
        """The provider's <coordonnees>, with its contact person when `person`."""
        provider = PROVIDERS[provider_key]
        coordonnees = _sub(parent, "coordonnees")
        if person:
            civilite, prenom, nom = provider.contact
            _sub(coordonnees, "civilite", civilite)
            _sub(coordonnees, "nom", nom)
            _sub(coordonnees, "prenom", prenom)
        self.address(coordonnees, provider.head_site)
        _sub(_sub(coordonnees, "telfixe"), "numtel", provider.phone)
        _sub(coordonnees, "courriel", f"contact@{provider.slug}.example.org")
        _sub(_sub(coordonnees, "web"), "urlweb", f"https://{provider.slug}.example.org")

    def formation(self, parent: etree._Element, number: int, spec: FormationSpec) -> None:
        """A <formation>, its actions and its provider."""
        assert 1 <= len(spec.romes) <= 3 and set(spec.formacodes) <= FORMACODES.keys(), spec.intitule
        assert all(
            key in SITES and SITES[key].provider == spec.provider for action in spec.actions for key in action.sites
        ), spec.intitule
        fid = f"{number:03d}"
        formation = _sub(parent, "formation", numero=f"EM-F-{fid}")
        domaine = _sub(formation, "domaine-formation")
        for code in spec.formacodes:
            _sub(domaine, "code-FORMACODE", code, ref=FORMACODE_VERSION)
        for code in spec.nsf:
            _sub(domaine, "code-NSF", code)
        for code in spec.romes:
            _sub(domaine, "code-ROME", code)
        _sub(formation, "intitule-formation", spec.intitule)
        _sub(formation, "objectif-formation", spec.objectif)
        _sub(formation, "resultats-attendus", spec.resultats)
        _sub(formation, "contenu-formation", spec.contenu)
        _sub(formation, "certifiante", "1" if spec.certifiante else "0")
        self.coordinates(_sub(formation, "contact-formation"), spec.provider, person=True)
        _sub(formation, "parcours-de-formation", spec.parcours)
        _sub(formation, "code-niveau-entree", spec.niveau_entree)
        _sub(formation, "objectif-general-formation", spec.objectif_general)
        if spec.rncp:
            _sub(_sub(formation, "certification"), "code-RNCP", spec.rncp)
        if spec.niveau_sortie:
            _sub(formation, "code-niveau-sortie", spec.niveau_sortie)
        slug = PROVIDERS[spec.provider].slug
        _sub(_sub(formation, "url-formation"), "urlweb", f"https://{slug}.example.org/formations/em-f-{fid}")
        for index, action in enumerate(spec.actions, start=1):
            self.action(formation, f"{fid}-{index}", spec, action)
        self.organisme(formation, spec.provider)

    def action(self, parent: etree._Element, aid: str, spec: FormationSpec, action: ActionSpec) -> None:
        """An <action>, its places and its sessions."""
        element = _sub(parent, "action", numero=f"EM-A-{aid}")
        long_course = spec.heures > 35
        if spec.parcours == "4":
            rythme = "Alternance : environ deux semaines en centre, deux semaines en entreprise."
        elif action.mode == DISTANCE:
            rythme = "À votre rythme, avec une classe virtuelle par semaine."
        else:
            rythme = "Temps plein, du lundi au vendredi." if long_course else "En journée, 7 heures par jour."
        _sub(element, "rythme-formation", rythme)
        for code in action.publics:
            _sub(element, "code-public-vise", code, ref=FORMACODE_VERSION)
        _sub(element, "niveau-entree-obligatoire", "1" if spec.niveau_entree != "1" else "0")
        _sub(
            element,
            "modalites-alternance",
            "Contrat d'apprentissage ou de professionnalisation." if spec.parcours == "4" else "Sans objet.",
        )
        _sub(element, "modalites-enseignement", str(action.mode))
        _sub(element, "conditions-specifiques", spec.conditions)
        _sub(element, "prise-en-charge-frais-possible", "1")
        for site_key in action.sites:
            self.address(_sub(_sub(element, "lieu-de-formation"), "coordonnees"), site_key)
        _sub(element, "modalites-entrees-sorties", "1" if action.permanent else "0")
        for index, (debut, fin) in enumerate(self.periods(spec, action), start=1):
            self.session(element, f"{aid}-{index:02d}", spec, action, debut, fin)
        _sub(element, "acces-handicapes", "Locaux accessibles ; un référent handicap vous accompagne sur demande.")
        _sub(element, "langue-formation", "fr")
        _sub(
            element,
            "modalites-recrutement",
            "Information collective puis entretien individuel."
            if long_course
            else "Inscription sur candidature, dans la limite des places.",
        )
        _sub(
            element,
            "modalites-pedagogiques",
            "Classe virtuelle, capsules vidéo et tutorat."
            if action.mode == DISTANCE
            else "Plateau technique, mises en situation et études de cas.",
        )
        if action.prix:
            _sub(element, "prix-total-TTC", action.prix)
        _sub(element, "nombre-heures-centre", str(spec.heures - spec.heures_entreprise))
        if spec.heures_entreprise:
            _sub(element, "nombre-heures-entreprise", str(spec.heures_entreprise))
        _sub(element, "nombre-heures-total", str(spec.heures))
        for code in action.financeurs:
            _sub(_sub(element, "organisme-financeur"), "code-financeur", code)

    def periods(self, spec: FormationSpec, action: ActionSpec) -> list[tuple[str, str]]:
        """Session dates (AAAAMMJJ), sorted; "00000000" when not yet known."""
        if action.permanent:
            windows = [
                ("20270104", "20270630"),
                ("20270701", "20271222"),
                ("20280103", "20280630"),
                ("20280703", "20281222"),
            ]
            return windows[self.rng.randint(0, 1) :]
        if spec.heures >= TWO_YEAR_HOURS:
            return [("20270906", "20290629"), ("20280904", "20300628")]
        count = self.rng.randint(3, 5) if spec.heures <= 35 else self.rng.randint(2, 3)
        days = -(-spec.heures // 7)
        starts = [dt.date(2027, 1, 4) + dt.timedelta(weeks=week) for week in sorted(self.rng.sample(range(100), count))]
        periods = [(start.strftime("%Y%m%d"), _end(start, days).strftime("%Y%m%d")) for start in starts]
        if spec.dates_a_confirmer:
            periods.append(("00000000", "00000000"))
        return periods

    def session(
        self, parent: etree._Element, sid: str, spec: FormationSpec, action: ActionSpec, debut: str, fin: str
    ) -> None:
        """A <session>; recruitment states follow the session's rank in the file: about one in
        13 closed, one in 23 suspended, two in 5 without a state, the others open."""
        self.session_count += 1
        n = self.session_count
        session = _sub(parent, "session", numero=f"EM-S-{sid}")
        periode = _sub(session, "periode")
        _sub(periode, "debut", debut)
        _sub(periode, "fin", fin)
        self.address(_sub(session, "adresse-inscription"), PROVIDERS[spec.provider].head_site)
        if debut == "00000000":
            _sub(session, "modalites-inscription", "Dates à confirmer : laissez vos coordonnées à l'organisme.")
        if n % 13 == 7:
            _sub(session, "etat-recrutement", "2")
        elif n % 23 == 4:
            _sub(session, "etat-recrutement", "3")
        elif n % 5 not in (0, 3):
            _sub(session, "etat-recrutement", "1")
        if n % 9 != 8:
            recrutement = _sub(session, "recrutement")
            _sub(recrutement, "modalite-recrutement", "9" if spec.heures > 35 else "7")
            low, high = (12, 24) if action.mode == DISTANCE or spec.heures > 35 else (6, 14)
            _sub(recrutement, "nb-places", str(self.rng.randint(low, high)))

    def organisme(self, parent: etree._Element, provider_key: str) -> None:
        """The <organisme-formation-responsable>, marked as fictional."""
        provider = PROVIDERS[provider_key]
        number = sorted(PROVIDERS).index(provider_key) + 1
        element = _sub(parent, "organisme-formation-responsable", numero=f"EM-O-{number:02d}")
        _sub(element, "numero-activite", f"3200000000{number}")
        _sub(_sub(element, "SIRET-organisme-formation"), "SIRET", f"{number:014d}")
        _sub(element, "nom-organisme", provider.nom)
        _sub(element, "raison-sociale", provider.nom)
        self.coordinates(_sub(element, "coordonnees-organisme"), provider_key, person=False)
        contact = _sub(element, "contact-organisme")
        _sub(contact, "type-contact", "4")
        self.coordinates(contact, provider_key, person=True)
        _sub(
            element,
            "renseignements-specifiques",
            "Organisme fictif créé pour la démonstration de l'assistant Electro'Mob.",
        )
        potentiel = _sub(element, "potentiel")
        for code in sorted({code for spec in FORMATIONS if spec.provider == provider_key for code in spec.formacodes}):
            _sub(potentiel, "code-FORMACODE", code, ref=FORMACODE_VERSION)
        extras = _sub(element, "extras", info="demo")
        _sub(extras, "extra", "oui", info="organisme-fictif")

    def build(self) -> etree._ElementTree:
        """The whole document, preceded by the demonstration notice."""
        root = etree.Element(f"{{{NS}}}lheo", nsmap={None: NS})
        offres = _sub(root, "offres")
        for number, spec in enumerate(FORMATIONS, start=1):
            self.formation(offres, number, spec)
        extras = _sub(root, "extras", info="demo")
        _sub(extras, "extra", "Données de démonstration : organismes et sessions fictifs.", info="avertissement")
        _sub(extras, "extra", "scripts/make_demo_catalog.py", info="generateur")
        root.addprevious(etree.Comment(HEADER_COMMENT))
        return root.getroottree()


def _end(start: dt.date, days: int) -> dt.date:
    """Last day of a course of `days` working days starting on a Monday."""
    weeks, rest = divmod(days - 1, 5)
    return start + dt.timedelta(weeks=weeks, days=rest)


def render() -> bytes:
    """The catalog file's bytes."""
    tree = CatalogBuilder().build()
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Génère le catalogue LHEO de démonstration Electro'Mob.")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="fichier XML à écrire")
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(render())
    print(f"Catalogue de démonstration écrit : {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
