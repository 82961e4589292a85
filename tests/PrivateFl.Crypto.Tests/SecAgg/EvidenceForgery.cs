namespace PrivateFl.Crypto.Tests.SecAgg;

/// <summary>How a dishonest server forges the evidence of an expulsion request.</summary>
public enum EvidenceForgery
{
    /// <summary>One share of the culprit's evidence with a byte of its value flipped.</summary>
    AlteredShare,

    /// <summary>Every revealed share of an honest survivor's b_u, as dealt: consistent and matching its commitment.</summary>
    HonestDealer,

    /// <summary>The culprit's genuine evidence cut to fewer than t shares.</summary>
    TooFewShares,

    /// <summary>The culprit's evidence with one share replaced by the share an honest dealer dealt the same holder.</summary>
    ForeignShare,
}
