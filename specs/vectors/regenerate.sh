#!/usr/bin/env bash
# Regenerates specs/vectors/*.json from the code, then checks them. Run from anywhere after changing a derivation.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PRIVATEFL_REGENERATE_VECTORS=1
dotnet test tests/PrivateFl.Crypto.Tests --filter "FullyQualifiedName~ProtocolVectorTests.VectorFile_GeneratedFromCode_EqualsFile"
dotnet test tests/PrivateFl.ClientSdk.Tests --filter "FullyQualifiedName~ApiVectorTests.VectorFile_GeneratedFromCode_EqualsFile"
unset PRIVATEFL_REGENERATE_VECTORS
dotnet test tests/PrivateFl.Crypto.Tests --filter "FullyQualifiedName~Vectors"
dotnet test tests/PrivateFl.ClientSdk.Tests --filter "FullyQualifiedName~Vectors"
