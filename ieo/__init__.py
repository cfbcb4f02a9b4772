"""Domain core of the Intelligent Economy Observatory.

Plain Python with no Dagster imports: the raw-data contract, the reference
data, the raw reader and the sample-database generator. The Dagster layer in
``orchestration/``, ``assets/`` and ``checks/`` wraps these functions.
"""
