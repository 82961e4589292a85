namespace PrivateFl.Crypto.SecAgg;

/// <summary>Which clients exchange masks and shares with which.</summary>
public enum NeighbourGraphKind
{
    /// <summary>Every client with every other (Bonawitz et al. CCS'17): cost per client grows with n.</summary>
    Complete,

    /// <summary>
    /// A random Harary graph: each client with k = O(log n) others (SecAgg+, Bell et al. CCS'20): cost per
    /// client grows with log n. Semi-honest rounds only: in active mode the SecAgg+ derivation gives the complete graph.
    /// </summary>
    Harary,
}
