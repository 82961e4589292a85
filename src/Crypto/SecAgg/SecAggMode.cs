namespace PrivateFl.Crypto.SecAgg;

/// <summary>The adversary a round is built to withstand (Bonawitz et al. CCS'17 §4–§5).</summary>
public enum SecAggMode
{
    /// <summary>The server follows the protocol but tries to learn from what it sees.</summary>
    SemiHonest,

    /// <summary>
    /// The server may deviate (lie about who dropped, forge or re-route messages): round keys are signed with
    /// the clients' identity keys and clients agree on the survivor list by signing it before unmasking.
    /// </summary>
    Active,
}
