"""Word lists and fixed parameters of the demo ledger: names, sectors, regions, sizes, seasons.

The generator draws among these in their order: changing a list, even its order, changes the
ledger a seed gives.
"""

from __future__ import annotations

from datetime import date

import numpy as np

DEMO_END = date(2026, 10, 31)  # fixed, so the demo is reproducible; the as-of default is the last date in the data

# --- word lists -----------------------------------------------------------------------------
# NAF code -> (sector weight, activity words used in company names)
SECTORS: dict[str, tuple[float, tuple[str, ...]]] = {
    "4120A": (0.10, ("Bâtiment", "Construction", "Maisons", "BTP")),
    "4690Z": (0.10, ("Négoce", "Distribution", "Comptoir", "Diffusion")),
    "6201Z": (0.07, ("Informatique", "Logiciels", "Digital", "Systèmes")),
    "4711D": (0.06, ("Supermarché", "Alimentation", "Épicerie", "Primeurs")),
    "2511Z": (0.08, ("Métallerie", "Chaudronnerie", "Structures", "Serrurerie")),
    "4941A": (0.08, ("Transports", "Logistique", "Fret", "Express")),
    "5610A": (0.06, ("Restauration", "Brasserie", "Traiteur", "Table")),
    "8621Z": (0.03, ("Cabinet Médical", "Centre Médical", "Santé")),
    "4322A": (0.07, ("Plomberie", "Chauffage", "Thermique", "Climatisation")),
    "4332A": (0.06, ("Menuiserie", "Agencement", "Fermetures")),
    "4673A": (0.06, ("Matériaux", "Bois", "Carrelages")),
    "7112B": (0.05, ("Ingénierie", "Études", "Bureau d'Études")),
    "4520A": (0.05, ("Garage", "Automobiles", "Carrosserie")),
    "7022Z": (0.05, ("Conseil", "Consulting", "Partenaires")),
    "2229A": (0.04, ("Plasturgie", "Plastiques", "Emballages")),
    "1071C": (0.04, ("Boulangerie", "Fournil", "Pâtisserie")),
}
SURNAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
    "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
    "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier",
    "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Gérard",
    "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche", "Roy", "Noël", "Meyer",
    "Lucas", "Meunier", "Pérez", "Marchand", "Dufour", "Blanchard", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt",
    "Leroux", "Colin", "Fernandez", "Renard", "Arnaud", "Rolland", "Caron", "Aubert", "Giraud", "Leclerc", "Vidal",
    "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard", "Lacroix", "Fabre", "Dupuis", "Olivier", "Hubert",
    "Guillot", "Rivière", "Le Gall", "Guillaume", "Moulin", "Berger", "Lecomte", "Ménard", "Fleury", "Deschamps",
    "Carpentier", "Maillard", "Marchal", "Aubry", "Vasseur", "Renault", "Jacquet", "Collet", "Prévost", "Poirier",
    "Charpentier", "Royer", "Huet", "Baron", "Dupuy", "Pons", "Carré", "Breton", "Rémy", "Schneider", "Perrot",
    "Guyot", "Barre", "Marty", "Cousin", "Lebrun", "Besson", "Hamon", "Tessier", "Jourdan", "Lemaître",
)  # fmt: skip
PLACES = (
    "de Provence", "du Rhône", "de l'Ouest", "des Alpes", "du Nord", "d'Aquitaine", "de Bretagne",
    "du Val de Loire", "de Normandie", "d'Alsace", "du Sud-Ouest", "de Champagne", "du Léman",
    "de la Côte d'Azur", "des Flandres", "du Languedoc", "de Bourgogne", "du Centre", "de Lorraine",
    "du Littoral", "de l'Atlantique", "du Vexin", "de la Drôme", "du Jura",
)  # fmt: skip
PREFIXES = ("Néo", "Éco", "Euro", "Inter", "Techni", "Proxi", "Alti", "Atlan", "Cap", "Hexa", "Axi", "Opti", "Multi")
SUFFIXES = ("tec", "sol", "pro", "med", "bat", "log", "trans", "com", "plast", "fer", "serv", "nova", "dis", "data")
REGIONS = {
    "Île-de-France": 0.22, "Auvergne-Rhône-Alpes": 0.13, "Nouvelle-Aquitaine": 0.09, "Occitanie": 0.09,
    "Hauts-de-France": 0.08, "Provence-Alpes-Côte d'Azur": 0.08, "Grand Est": 0.07, "Pays de la Loire": 0.06,
    "Bretagne": 0.05, "Normandie": 0.04, "Bourgogne-Franche-Comté": 0.04, "Centre-Val de Loire": 0.04,
    "Corse": 0.01,
}  # fmt: skip
SALES_REPS = ("Julie Moreau", "Thomas Lefèvre", "Sophie Girard", "Nicolas Fabre", "Camille Roussel", "Antoine Mercier")
COLLECTORS = ("c.lambert", "n.garnier")  # credit controllers who record calls and notices
# config.yaml collections.dispute_reasons codes, so the ledger's own disputes and those recorded in Encours
# group under one reason (the pages translate the codes).
DISPUTE_REASONS = ("price", "quantity", "delivery", "quality", "other")
SEGMENTS = ("Grand compte", "ETI", "PME", "TPE")
# Legal forms per segment, with their weights.
LEGAL_FORMS = {
    "Grand compte": (("SA", "SAS"), (0.6, 0.4)),
    "ETI": (("SAS", "SA"), (0.6, 0.4)),
    "PME": (("SAS", "SARL", "SA"), (0.45, 0.45, 0.10)),
    "TPE": (("SARL", "EURL", "SASU", "SAS"), (0.4, 0.25, 0.25, 0.1)),
}
# Monthly sales factor, January to December: August low, March and December high.
SEASON = np.array([0.95, 1.0, 1.15, 1.0, 0.95, 1.05, 0.9, 0.55, 1.05, 1.05, 1.05, 1.2])
TOP3_REVENUE_SHARES = (0.16, 0.11, 0.09)  # the large accounts that make revenue a Pareto
ANNUAL_SALES_PER_CLIENT = 60_000.0  # TTC, so ~24 M€ a year for 400 clients
INVOICES_PER_CLIENT_YEAR = 25.0
VAT = 1.2
DEMO_SIREN = "852379049"  # the demo company itself (valid Luhn), named in its FEC file
