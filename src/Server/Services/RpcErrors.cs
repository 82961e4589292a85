using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using PrivateFl.Crypto.SecAgg;
using PrivateFl.Server.Coordination;

namespace PrivateFl.Server.Services;

/// <summary>Maps refusals to gRPC statuses with messages that name the problem and carry no secret.</summary>
internal static class RpcErrors
{
    public static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (CoordinatorException ex) when (ex.Reason is not null)
        {
            throw Refusal((Code)Map(ex.Kind), ex.Reason, ex.Message);
        }
        catch (CoordinatorException ex)
        {
            throw new RpcException(new Grpc.Core.Status(Map(ex.Kind), ex.Message));
        }
        catch (SecAggProtocolException ex)
        {
            throw ProtocolViolation(ex).ToRpcException();
        }
        catch (ArgumentException ex)
        {
            throw InvalidArgument(ex.ParamName ?? "request", ex.Message);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            throw StorageFailed(ex).ToRpcException();
        }
    }

    /// <summary>INTERNAL with reason <c>STORAGE_FAILED</c> and SQLite's error code (never its text, which may quote data).</summary>
    public static Google.Rpc.Status StorageFailed(Microsoft.Data.Sqlite.SqliteException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return StatusWithReason(Code.Internal, ErrorReasons.StorageFailed, $"The server's database failed (SQLite error {exception.SqliteErrorCode}); the operator must check it (PRAGMA quick_check).");
    }

    /// <summary>
    /// A stage message that breaks the protocol: reason <c>PROTOCOL_VIOLATION</c> with the <see cref="SecAggViolation"/>
    /// in the metadata; the message starts with the violation's name for people.
    /// </summary>
    public static Google.Rpc.Status ProtocolViolation(SecAggProtocolException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var info = new ErrorInfo { Domain = ErrorReasons.Domain, Reason = ErrorReasons.ProtocolViolation, Metadata = { [ErrorReasons.ViolationKey] = exception.Violation.ToString() } };
        return new Google.Rpc.Status { Code = (int)Map(exception.Violation), Message = $"{exception.Violation}: {exception.Message}", Details = { Any.Pack(info) } };
    }

    /// <summary>A status with a <c>google.rpc.ErrorInfo</c> whose reason a client reads by type, never by text.</summary>
    public static Google.Rpc.Status StatusWithReason(Code code, string reason, string message, BadRequest? badRequest = null)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)code,
            Message = message,
            Details = { Any.Pack(new ErrorInfo { Domain = ErrorReasons.Domain, Reason = reason }) },
        };
        if (badRequest is not null)
        {
            status.Details.Add(Any.Pack(badRequest));
        }

        return status;
    }

    /// <summary>An <see cref="RpcException"/> carrying <see cref="StatusWithReason"/>.</summary>
    public static RpcException Refusal(Code code, string reason, string message) =>
        StatusWithReason(code, reason, message).ToRpcException();

    /// <summary>INVALID_ARGUMENT, reason <c>INVALID_REQUEST</c> (or <paramref name="reason"/>), with a google.rpc.BadRequest naming the field.</summary>
    public static RpcException InvalidArgument(string field, string description, string reason = ErrorReasons.InvalidRequest) =>
        InvalidArgument([(field, description)], reason);

    /// <summary>INVALID_ARGUMENT, reason <c>INVALID_REQUEST</c> (or <paramref name="reason"/>), with a google.rpc.BadRequest naming every bad field.</summary>
    public static RpcException InvalidArgument(IReadOnlyList<(string Field, string Description)> violations, string reason = ErrorReasons.InvalidRequest)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
        return StatusWithReason(Code.InvalidArgument, reason, string.Join(" ", violations.Select(v => $"{v.Field}: {v.Description}")), badRequest).ToRpcException();
    }

    private static StatusCode Map(CoordinatorErrorKind kind) => kind switch
    {
        CoordinatorErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        CoordinatorErrorKind.NotFound => StatusCode.NotFound,
        CoordinatorErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        CoordinatorErrorKind.Aborted => StatusCode.Aborted,
        CoordinatorErrorKind.AlreadyWaiting => StatusCode.AlreadyExists,
        _ => StatusCode.FailedPrecondition,
    };

    private static StatusCode Map(SecAggViolation violation) => violation switch
    {
        SecAggViolation.UnknownParticipant => StatusCode.PermissionDenied,
        SecAggViolation.StageOutOfOrder or SecAggViolation.NotAlive or SecAggViolation.DuplicateMessage or SecAggViolation.RoundEnded
            or SecAggViolation.TooFewSurvivors => StatusCode.FailedPrecondition,
        _ => StatusCode.InvalidArgument,
    };
}
