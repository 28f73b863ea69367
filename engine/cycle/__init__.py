"""The budget-performance cycle around the self-evaluation: the finance bureau's review (复核) and
its sampling, target review and monitoring results, results across years, result application."""
