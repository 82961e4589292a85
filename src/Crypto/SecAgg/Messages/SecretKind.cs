namespace PrivateFl.Crypto.SecAgg.Messages;

/// <summary>Which of a client's two shared secrets a revealed share belongs to.</summary>
public enum SecretKind
{
    /// <summary>b_u, the seed of the client's self-mask: revealed when the client survived.</summary>
    SelfMaskSeed,

    /// <summary>s_u's private key, which re-derives the client's pairwise masks: revealed when the client dropped.</summary>
    MaskKey,
}
