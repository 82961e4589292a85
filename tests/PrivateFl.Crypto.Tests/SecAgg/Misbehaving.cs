namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>What a corrupted bank does in a <see cref="MisbehaviourScenario"/>.</summary>
public enum Misbehaving
{
    /// <summary>Follows the protocol.</summary>
    None,

    /// <summary>Deals well-formed garbage (random ciphertext, or a real ciphertext under random commitments), signed, to some neighbours.</summary>
    GarbageShares,

    /// <summary>Complains about an honest neighbour's good share (with a valid proof, or with random bytes).</summary>
    FalseComplaint,

    /// <summary>Reveals every share at unmasking with one field element shifted.</summary>
    WrongRevealedShares,
}
