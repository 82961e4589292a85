namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>
/// Stage 3 close (active mode), server → clients: at least t signatures on the same survivor list, which
/// proves to each client that the server told every signer the same list.
/// </summary>
/// <param name="Survivors">The survivor list, ascending.</param>
/// <param name="Signatures">The signatures collected.</param>
public sealed record ConsistencyProof(IReadOnlyList<int> Survivors, IReadOnlyList<ConsistencySignature> Signatures);
