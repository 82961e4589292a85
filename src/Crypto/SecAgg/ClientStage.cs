namespace PrivateFl.Crypto.SecAgg;

/// <summary>Where a <see cref="ClientSession"/> is in its round.</summary>
public enum ClientStage
{
    /// <summary>Created; the next step is <see cref="ClientSession.AdvertiseKeys"/>.</summary>
    Ready,

    /// <summary>Keys advertised; waiting for the key directory.</summary>
    KeysAdvertised,

    /// <summary>Shares sent; waiting for the neighbours' shares.</summary>
    SharesSent,

    /// <summary>Masked input sent; waiting for the survivor list.</summary>
    InputMasked,

    /// <summary>Active mode: survivor list signed; waiting for the consistency proof.</summary>
    SurvivorsSigned,

    /// <summary>
    /// Unmasking shares sent and every secret erased but s_u^SK, kept only to answer an expulsion request
    /// (<see cref="ClientSession.Expel"/>); <see cref="ClientSession.Abort"/> or <see cref="ClientSession.Dispose"/> erases it.
    /// </summary>
    Unmasked,

    /// <summary>Unmasking shares sent; the round is over for this client and its secrets are erased.</summary>
    Completed,

    /// <summary>The client refused a message or was told to stop; its secrets are erased.</summary>
    Aborted,
}
