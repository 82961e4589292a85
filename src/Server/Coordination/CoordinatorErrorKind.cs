namespace PrivateFl.Server.Coordination;

/// <summary>Why the coordinator refused a request; the gRPC layer maps each to a status code.</summary>
internal enum CoordinatorErrorKind
{
    /// <summary>The request is malformed (INVALID_ARGUMENT).</summary>
    InvalidArgument,

    /// <summary>The request does not fit the session's or round's current state (FAILED_PRECONDITION).</summary>
    FailedPrecondition,

    /// <summary>The caller is not a participant of what it addresses (PERMISSION_DENIED).</summary>
    PermissionDenied,

    /// <summary>The session, model or round does not exist (NOT_FOUND).</summary>
    NotFound,

    /// <summary>The round was aborted; the model stays as it was (ABORTED).</summary>
    Aborted,

    /// <summary>The caller already has a <c>WaitForRound</c> call waiting in this session (ALREADY_EXISTS, reason <c>WAIT_ALREADY_PENDING</c>).</summary>
    AlreadyWaiting,
}
