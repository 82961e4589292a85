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

    /// <summary>The sum was computed.</summary>
    Completed,

    /// <summary>The round was aborted; nothing was revealed.</summary>
    Aborted,
}
