"""Reads FHIR R4 JSON with fhir.resources, an implementation independent of Svar's.

Usage: fhir_check.py FILE...  (a resource per .json file, one resource a line in .ndjson).
Exits 1 naming the first file and resource that R4 does not allow.
"""
import json
import sys

from fhir.resources import construct_fhir_element


def check(resource, where):
    try:
        construct_fhir_element(resource["resourceType"], resource)
    except Exception as error:  # the models raise pydantic's ValidationError
        print(f"{where}: not valid R4: {error}")
        sys.exit(1)


for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        if path.endswith(".ndjson"):
            for n, line in enumerate(f, 1):
                check(json.loads(line), f"{path}:{n}")
        else:
            check(json.load(f), path)
print(f"{len(sys.argv) - 1} file(s) valid R4")
