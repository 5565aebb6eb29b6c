"""Values fixed by the interface contract (docs/contrat.md): the canonical values of the
`statut` and `niveau` entities and slots. domain.yml declares the same lists
(tests/test_contract_values.py)."""

from __future__ import annotations

STATUTS = ("demandeur_emploi", "etudiant", "lyceen", "collegien", "salarie")
PUPILS = ("lyceen", "collegien")
NIVEAUX = ("sans_diplome", "cap", "bac", "bac+2", "bac+3", "bac+5")
