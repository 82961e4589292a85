namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>A protocol violation the server can prove and attribute (specs/protocol.md §2.8). Stable values: stored and sent.</summary>
public enum Misbehaviour
{
    /// <summary>The client dealt a neighbour a share that does not open, does not decode or does not match its commitment (proven by the neighbour's complaint). The client is treated as dropped.</summary>
    InvalidShare = 1,

    /// <summary>The client complained about a share that opens and matches its commitment, or sent a complaint whose proof fails. The client is treated as dropped.</summary>
    FalseComplaint = 2,

    /// <summary>The client revealed at unmasking a share or pair point that does not match the dealer's commitment or its proof; it is ignored.</summary>
    WrongRevealedShare = 3,

    /// <summary>The client's shares all match its commitments yet reconstruct no secret matching its advertised key or commitment: it dealt inconsistently.</summary>
    InconsistentSharing = 4,
}
