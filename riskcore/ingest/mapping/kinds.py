"""The kinds of ledger file and the columns each may hold: canonical ones, extras, the required
ones, and the FR/EN header synonyms of each.
"""

from __future__ import annotations

from collections.abc import Mapping

from riskcore.storage import schema

KINDS = ("clients", "invoices", "payments", "dunning")  # also the order a batch is written in

# Columns an export may carry that are not stored as such but drive the import:
# settlement/paid/remaining amounts become payments, a document type flips credit notes,
# an export date dates an open-items snapshot, a client name names a placeholder client.
EXTRAS: dict[str, dict[str, str]] = {
    "clients": {},
    "invoices": {
        "settled_date": "DATE",
        "paid_amount": schema.MONEY,
        "remaining_amount": schema.MONEY,
        "export_date": "DATE",
        "doc_type": "VARCHAR",
        "client_name": "VARCHAR",
    },
    "payments": {"client_name": "VARCHAR"},
    "dunning": {"client_name": "VARCHAR"},
}

# Columns that are never read from a file: derived, or set by the application.
_NOT_MAPPED = {"placeholder", "due_date_assumed"}

# fmt: off
_CLIENT_NAME = [
    "Raison sociale", "Nom", "Nom client", "Nom du client", "Dénomination", "Dénomination sociale", "Libellé client",
    "Intitulé", "Intitulé client", "Nom de la société", "Société", "CompAuxLib", "Client name", "Customer name",
    "Company", "Company name", "Name", "Account name", "Libellé compte",
]
_INVOICE_ID_EXPLICIT = [
    "N° facture", "No facture", "Numéro de facture", "Numéro facture", "N° de facture", "Num facture", "Réf facture",
    "Référence facture", "Facture", "invoiceNumber", "Invoice No", "Invoice number", "Invoice", "Invoice ID",
    "Invoice ref", "Invoice reference",
]
_SETTLED = [
    "Date de règlement", "Date de paiement", "Date d'encaissement", "Date règlement", "Date paiement",
    "Date encaissement", "Date de lettrage", "Date lettrage", "Réglée le", "Payée le", "SettledDate", "Settled date",
    "Settlement date", "Paid date", "Payment date", "Date paid", "Clearing date", "DateLet",
]

# canonical column -> synonyms, most specific first (an earlier synonym wins a header).
_COMMON: dict[str, list[str]] = {
    "client_id": [
        "Code client", "N° client", "No client", "Numéro client", "Numéro de client", "Compte client",
        "N° compte client", "Code tiers", "N° tiers", "Compte tiers", "Compte auxiliaire", "CompAuxNum", "ID client",
        "Identifiant client", "Réf client", "Référence client", "customerID", "Customer ID", "Customer code",
        "Customer number", "Customer No", "Customer account", "Client ID", "Client code", "Client number",
        "Account number", "Account No", "Account ID", "Debtor ID", "Debtor", "Sold-to", "Tiers", "Client", "Customer",
        "Compte", "Account",
    ],
    "client_name": _CLIENT_NAME,
}

_SYNONYMS: dict[str, dict[str, list[str]]] = {
    "clients": {
        "name": [*_CLIENT_NAME, "Client", "Customer"],
        "siren": [
            "SIREN", "N° SIREN", "Numéro SIREN", "Code SIREN", "SIRET", "N° SIRET", "Company registration number",
            "Registration number", "Company number", "Business ID",
        ],
        "sector": [
            "Code NAF", "NAF", "Code APE", "APE", "Code NAF/APE", "NAF code", "Secteur", "Secteur d'activité",
            "Activité", "Sector", "Industry", "Industry code", "NACE", "NACE code", "SIC", "SIC code",
        ],
        "country": ["Pays", "Code pays", "Country", "Country code", "countryCode"],
        "region": ["Région", "Region", "Zone géographique", "Zone", "Territoire", "Territory"],
        "segment": [
            "Segment", "Segment client", "Catégorie client", "Catégorie", "Type de client", "Type client",
            "Typologie", "Famille client", "Customer segment", "Customer type", "Customer category", "Category",
        ],
        "group_id": [
            "Groupe", "Code groupe", "Groupe client", "Maison mère", "Société mère", "Tête de groupe", "Holding",
            "Group", "Group ID", "Group code", "Parent", "Parent account", "Parent company",
        ],
        "sales_rep": [
            "Commercial", "Représentant", "Vendeur", "Chargé d'affaires", "Responsable commercial",
            "Chargé de clientèle", "Sales rep", "Salesperson", "Sales representative", "Account manager", "Rep",
        ],
        "collector": [
            "Chargé de recouvrement", "Chargée de recouvrement", "Recouvreur", "Gestionnaire recouvrement",
            "Collector", "Credit controller", "Collections agent",
        ],
        "email": [
            "E-mail", "Email", "Courriel", "Adresse e-mail", "Adresse email", "Adresse mail", "Mail",
            "E-mail comptabilité", "E-mail relance", "Email address", "Billing email", "Accounts payable email",
            "AP email",
        ],
        "language": [
            "Langue", "Langue de correspondance", "Langue du client", "Language", "Correspondence language", "Lang",
        ],
        "payment_terms_days": [
            "Délai de paiement (jours)", "Délai de paiement", "Délai de règlement", "Délai", "Conditions de paiement",
            "Condition de paiement", "Conditions de règlement", "Condition de règlement", "Nb jours", "Jours",
            "Payment terms days", "Payment terms", "Terms days", "Terms", "Credit terms", "Net days",
        ],
        "terms_end_of_month": [
            "Fin de mois", "FDM", "Fin de mois (O/N)", "Délai fin de mois", "End of month", "EOM",
            "Terms end of month",
        ],
        "credit_limit": [
            "Limite de crédit", "Plafond", "Plafond de crédit", "Plafond d'encours", "Encours autorisé",
            "Encours maximum", "Limite d'encours", "Limite", "Credit limit", "Credit line", "Limit",
        ],
        "insured_limit": [
            "Limite assurée", "Encours assuré", "Montant garanti", "Garantie", "Agrément", "Limite assureur",
            "Couverture", "Assurance-crédit", "Assurance crédit", "Insured limit", "Insured amount",
            "Insurance limit", "Credit insurance", "Cover",
        ],
        "external_rating": [
            "Note externe", "Notation", "Cotation", "Cotation BdF", "Note Banque de France", "Score externe", "Note",
            "External rating", "Credit rating", "Rating", "Score",
        ],
        "status": ["Statut", "Statut client", "État", "Situation", "Status", "Account status", "Customer status"],
        "doubtful": ["Douteux", "Client douteux", "Créance douteuse", "Doubtful", "Doubtful debt"],
        "non_credit": ["Client comptant", "Comptant", "Non crédit", "Cash customer", "Cash sale", "Non credit"],
    },
    "invoices": {
        "invoice_id": [
            *_INVOICE_ID_EXPLICIT, "N° pièce", "No pièce", "Numéro de pièce", "N° document", "PieceRef",
            "Document number", "Document No", "Doc No", "Référence", "Réf", "Pièce", "Reference", "Ref",
        ],
        "invoice_date": [
            "Date facture", "Date de facture", "Date de pièce", "Date pièce", "Date d'émission", "Date émission",
            "Date de facturation", "Date document", "InvoiceDate", "Invoice date", "Document date", "Doc date",
            "Issue date", "Billing date", "PieceDate", "Date",
        ],
        "due_date": [
            "Échéance", "Date d'échéance", "Date échéance", "Date limite de paiement", "Date limite", "DueDate",
            "Due date", "Payment due date", "Net due date", "Maturity date", "Due",
        ],
        "amount": [
            "Montant TTC", "Montant", "Montant facture", "Montant de la facture", "Total TTC", "TTC",
            "Montant initial", "Montant d'origine", "Montant origine", "Net à payer", "InvoiceAmount",
            "Invoice amount", "Amount", "Total amount", "Gross amount", "Amount incl VAT", "Amount incl tax",
            "Original amount", "Document amount", "Total",
        ],
        "currency": ["Devise", "Monnaie", "Code devise", "Currency", "Currency code", "Curr", "Idevise"],
        "disputed": [
            "Litige", "En litige", "Litigieux", "Contesté", "Facture contestée", "Disputed", "Dispute", "In dispute",
            "Dispute flag",
        ],
        "dispute_reason": [
            "Motif du litige", "Motif litige", "Raison du litige", "Cause du litige", "Nature du litige",
            "Commentaire litige", "Dispute reason", "Reason for dispute", "Dispute code", "Dispute comment",
        ],
        "write_off_date": [
            "Date de passage en perte", "Date passage en perte", "Passage en perte", "Date de perte",
            "Date d'abandon", "Date irrécouvrable", "Date de créance irrécouvrable", "Write-off date",
            "Written off date", "WriteOffDate", "Bad debt date",
        ],
        "opening": ["À-nouveau", "A nouveau", "Report à nouveau", "Opening", "Opening balance"],
        "settled_date": _SETTLED,
        "paid_amount": [
            "Montant réglé", "Montant payé", "Montant encaissé", "Déjà réglé", "Réglé", "Paid amount", "Amount paid",
            "Paid",
        ],
        "remaining_amount": [
            "Reste dû", "Reste à payer", "Restant dû", "Solde", "Solde dû", "Montant restant", "Montant restant dû",
            "Montant ouvert", "Encours", "Open amount", "Balance", "Balance due", "Outstanding", "Outstanding amount",
            "Remaining amount", "Amount remaining", "Amount due", "Open balance",
        ],
        "export_date": [
            "Date d'export", "Date export", "Date d'extraction", "Date de situation", "Date de l'état",
            "Situation au", "Arrêté au", "Date d'arrêté", "Export date", "Extraction date", "Snapshot date",
            "Report date", "As of", "As of date",
        ],
        "doc_type": [
            "Type de pièce", "Type pièce", "Type de document", "Type document", "Sens", "Nature", "Type",
            "Document type", "Doc type", "Transaction type", "Invoice type",
        ],
    },
    "payments": {
        "payment_id": [
            "N° règlement", "No règlement", "Numéro de règlement", "N° de règlement", "Réf règlement",
            "Référence règlement", "N° paiement", "Numéro de paiement", "Référence paiement", "N° encaissement",
            "Payment ID", "Payment No", "Payment number", "Payment reference", "Receipt No", "Receipt number",
            "Transaction ID",
        ],
        "invoice_id": [*_INVOICE_ID_EXPLICIT, "N° pièce lettrée", "Pièce lettrée", "Applied to", "Applied invoice"],
        "payment_date": [
            *_SETTLED[:6], "Date de valeur", "Date valeur", "Payment date", "Paid date", "Date paid", "Receipt date",
            "Value date", "Settled date", "SettledDate", "Transaction date", "Date",
        ],
        "amount": [
            "Montant", "Montant réglé", "Montant payé", "Montant encaissé", "Montant du règlement", "Règlement",
            "Encaissement", "Amount", "Payment amount", "Paid amount", "Amount paid", "Received amount",
        ],
    },
    "dunning": {
        "action_id": [
            "N° action", "No action", "Numéro d'action", "N° relance", "Numéro de relance", "Réf relance",
            "Référence action", "Action ID", "Action No", "Dunning ID", "Reminder ID", "Reminder No",
        ],
        "invoice_id": _INVOICE_ID_EXPLICIT,
        "action_date": [
            "Date de relance", "Date relance", "Date d'action", "Date de l'action", "Date action", "Action date",
            "Dunning date", "Reminder date", "Date sent", "Date",
        ],
        "level": [
            "Niveau", "Niveau de relance", "Étape", "Palier", "Level", "Dunning level", "Reminder level", "Stage",
            "Step",
        ],
        "channel": [
            "Canal", "Moyen", "Mode de relance", "Type de relance", "Mode", "Channel", "Method", "Medium", "Type",
        ],
        "outcome": [
            "Résultat", "Issue", "Réponse", "Suite donnée", "Outcome", "Result", "Response", "Commentaire", "Comment",
            "Notes",
        ],
        "promise_date": [
            "Date de promesse", "Promesse de paiement", "Date promise", "Date de paiement promise", "Promesse",
            "Promise date", "Promised date", "Promise to pay date", "PTP date",
        ],
        "recorded_by": [
            "Auteur", "Saisi par", "Relanceur", "Gestionnaire", "Utilisateur", "Recorded by", "Agent", "Collector",
            "User", "Owner",
        ],
        "action": ["Action", "Type d'action", "Étape", "Action type", "Step"],
        "note": ["Note", "Remarque", "Observation", "Memo"],
        "recorded_at": ["Saisi le", "Date de saisie", "Horodatage", "Recorded at", "Timestamp", "Entered at"],
    },
}
# fmt: on

# What a kind needs; payment/action ids are generated when absent (see validate/files.py), a
# payment's client comes from its invoice, an open-items export may give only what is left.
REQUIRED: dict[str, tuple[str, ...]] = {
    "clients": ("client_id",),
    "invoices": ("invoice_id", "client_id", "invoice_date", "amount"),
    "payments": ("client_id", "payment_date", "amount"),
    "dunning": ("client_id", "action_date"),
}
_ALTERNATIVES = {
    ("invoices", "amount"): "remaining_amount",
    ("payments", "client_id"): "invoice_id",
    ("dunning", "client_id"): "invoice_id",
}


def columns(kind: str) -> dict[str, str]:
    """The columns a file of `kind` may map: canonical (with SQL type) then extras."""
    table = schema.KINDS[kind]
    cols = {c.name: c.sql_type for c in table.columns if c.name not in _NOT_MAPPED}
    return {**cols, **EXTRAS[kind]}


def synonyms(kind: str) -> dict[str, list[str]]:
    """Every mappable column of `kind` with its synonyms (client_id and names are shared)."""
    table = {**_COMMON, **_SYNONYMS[kind]}
    return {col: [*table.get(col, [col]), col] for col in columns(kind)}


def missing_required(kind: str, mapping: Mapping[str, str]) -> list[str]:
    """Required columns of `kind` with no header (an accepted alternative counts)."""
    return [c for c in REQUIRED[kind] if c not in mapping and _ALTERNATIVES.get((kind, c)) not in mapping]
