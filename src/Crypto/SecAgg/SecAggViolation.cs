namespace PrivateFl.Crypto.SecAgg;

/// <summary>The protocol rules a message can break (specs/protocol.md §2.8).</summary>
public enum SecAggViolation
{
    /// <summary>The message is malformed: a wrong length, a missing or extra entry, a bad encoding.</summary>
    MalformedMessage,

    /// <summary>The message belongs to a stage other than the receiver's current one, or repeats a finished stage.</summary>
    StageOutOfOrder,

    /// <summary>The sender is not a participant of the round.</summary>
    UnknownParticipant,

    /// <summary>The sender is a participant but is no longer alive at this stage.</summary>
    NotAlive,

    /// <summary>The sender already sent this stage's message.</summary>
    DuplicateMessage,

    /// <summary>Two parties advertised the same public key.</summary>
    DuplicatePublicKey,

    /// <summary>A public key is malformed or of small order.</summary>
    InvalidPublicKey,

    /// <summary>A signature does not verify under the signer's identity key.</summary>
    InvalidSignature,

    /// <summary>A message concerns a client that is not the receiver's neighbour in the round's graph.</summary>
    NotANeighbour,

    /// <summary>An encrypted share is addressed to another client.</summary>
    WrongRecipient,

    /// <summary>An encrypted share fails authentication: forged, re-addressed, or replayed from another round.</summary>
    ShareAuthenticationFailed,

    /// <summary>A masked input has the wrong vector length.</summary>
    WrongVectorLength,

    /// <summary>A survivor list names a client that was not alive at the previous stage.</summary>
    SurvivorsNotSubset,

    /// <summary>Fewer than t clients (neighbours) remain alive.</summary>
    TooFewSurvivors,

    /// <summary>The survivor list to unmask differs from the one the client signed.</summary>
    InconsistentSurvivorList,

    /// <summary>The survivor list omits the client that receives it.</summary>
    SelfNotInSurvivors,

    /// <summary>The round has ended (completed or aborted).</summary>
    RoundEnded,

    /// <summary>An expulsion request's evidence does not prove that the named client dealt inconsistently (specs/protocol.md §2.9).</summary>
    UnprovenMisbehaviour,
}
