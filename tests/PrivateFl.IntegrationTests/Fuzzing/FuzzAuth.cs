namespace PrivateFl.IntegrationTests.Fuzzing;

/// <summary>How a fuzz input authenticates; everything but <see cref="Valid"/> must end in UNAUTHENTICATED before any handler.</summary>
internal enum FuzzAuth
{
    /// <summary>Correctly signed by an enrolled client, or the right admin key.</summary>
    Valid,

    /// <summary>One or more authentication headers left out.</summary>
    Missing,

    /// <summary>One authentication header replaced by random printable text.</summary>
    RandomHeader,

    /// <summary>Signed with a key that is not the enrolled one (or an unknown client id with its own key).</summary>
    WrongKey,

    /// <summary>A valid signature over a different request body.</summary>
    TamperedBody,

    /// <summary>Correctly signed, an hour in the past.</summary>
    StaleTimestamp,
}
