namespace PrivateFl.Server.Security;

/// <summary>Verifies a call's Ed25519 signature; a seam so that tests can count verifications on each refusal path.</summary>
internal interface ICallSignatureVerifier
{
    /// <summary>Returns whether <paramref name="signature"/> is a valid signature of <paramref name="payload"/> under <paramref name="publicKey"/>.</summary>
    bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> signature);
}
