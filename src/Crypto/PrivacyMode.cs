namespace PrivateFl.Crypto;

/// <summary>What a session's differential privacy protects (specs/privacy.md §1).</summary>
public enum PrivacyMode
{
    /// <summary>No differential privacy: clients add no noise and the threshold is the default one.</summary>
    None = 0,

    /// <summary>Record-level DP: neighbouring data sets differ in one record of one bank.</summary>
    RecordLevel = 1,

    /// <summary>Client-level DP: neighbouring data sets differ in one bank's whole contribution.</summary>
    ClientLevel = 2,
}
