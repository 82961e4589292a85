namespace PrivateFl.Crypto.SecAgg;

/// <summary>The stages of a round on the server (specs/protocol.md §2.3).</summary>
public enum RoundStage
{
    /// <summary>Stage 0: collecting each client's two round public keys.</summary>
    AdvertiseKeys,

    /// <summary>Stage 1: collecting each client's encrypted shares for its neighbours.</summary>
    ShareKeys,

    /// <summary>Stage 2: collecting masked inputs.</summary>
    MaskedInput,

    /// <summary>Stage 3 (active mode): collecting signatures on the survivor list.</summary>
    ConsistencyCheck,

    /// <summary>Stage 4: collecting the shares that remove the masks.</summary>
    Unmask,

    /// <summary>
    /// Stage 5, only when some survivor dealt its self-mask seed inconsistently: its masked input is out of the sum, and
    /// the stage collects its neighbours' proven pair points with it (specs/protocol.md §2.9).
    /// </summary>
    Expel,

    /// <summary>The sum was computed.</summary>
    Completed,

    /// <summary>The round was aborted; nothing was revealed.</summary>
    Aborted,
}
