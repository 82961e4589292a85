using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using PrivateFl.ClientSdk.Transport;

namespace PrivateFl.ClientSdk.Tests;

/// <summary>Every failed call becomes a documented exception chosen by status code and ErrorInfo reason, never by the status text.</summary>
public sealed class RpcErrorTranslatorTests
{
    private static readonly Uri Server = new("http://127.0.0.1:5080");

    public static TheoryData<StatusCode, System.Type> ByCode => new()
    {
        { StatusCode.Unavailable, typeof(ServerUnavailableException) },
        { StatusCode.ResourceExhausted, typeof(ServerUnavailableException) },
        { StatusCode.DeadlineExceeded, typeof(ServerUnavailableException) },
        { StatusCode.Cancelled, typeof(ServerUnavailableException) },
        { StatusCode.NotFound, typeof(SessionEndedException) },
        { StatusCode.Unauthenticated, typeof(ClientRejectedException) },
        { StatusCode.PermissionDenied, typeof(ClientRejectedException) },
        { StatusCode.Internal, typeof(ServerErrorException) },
        { StatusCode.Unknown, typeof(ServerErrorException) },
        { StatusCode.InvalidArgument, typeof(ServerErrorException) },
        { StatusCode.FailedPrecondition, typeof(ServerErrorException) },
        { StatusCode.Aborted, typeof(ServerErrorException) },
        { StatusCode.DataLoss, typeof(ServerErrorException) },
        { StatusCode.Unimplemented, typeof(ServerErrorException) },
    };

    [Theory]
    [MemberData(nameof(ByCode))]
    public void Translate_StatusCode_DocumentedSubtype(StatusCode code, System.Type expected)
    {
        FederationException translated = RpcErrorTranslator.Translate(new RpcException(new Grpc.Core.Status(code, "detail")), Server, "bank-1", 2);

        Assert.IsType(expected, translated);
        Assert.IsType<RpcException>(translated.InnerException);
    }

    [Theory]
    [InlineData(RpcErrorTranslator.Reasons.SchemaMismatch, typeof(SchemaMismatchException))]
    [InlineData(RpcErrorTranslator.Reasons.SessionCompleted, typeof(SessionEndedException))]
    [InlineData(RpcErrorTranslator.Reasons.BudgetExhausted, typeof(SessionEndedException))]
    [InlineData(RpcErrorTranslator.Reasons.SessionNotFound, typeof(SessionEndedException))]
    [InlineData(RpcErrorTranslator.Reasons.ModelVersionNotFound, typeof(SessionEndedException))]
    [InlineData(RpcErrorTranslator.Reasons.NotAuthenticated, typeof(ClientRejectedException))]
    [InlineData(RpcErrorTranslator.Reasons.HeadersInvalid, typeof(ClientRejectedException))]
    [InlineData(RpcErrorTranslator.Reasons.ClockSkew, typeof(ClientRejectedException))]
    [InlineData(RpcErrorTranslator.Reasons.Replayed, typeof(ClientRejectedException))]
    [InlineData(RpcErrorTranslator.Reasons.BodyHashMismatch, typeof(ClientRejectedException))]
    [InlineData(RpcErrorTranslator.Reasons.AdminKeyInvalid, typeof(ClientRejectedException))]
    [InlineData(RpcErrorTranslator.Reasons.ClientBusy, typeof(ServerUnavailableException))]
    [InlineData(RpcErrorTranslator.Reasons.ServerBusy, typeof(ServerUnavailableException))]
    [InlineData(RpcErrorTranslator.Reasons.MessageTooLarge, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.CompressionRefused, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.MalformedMessage, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.PlaintextRefused, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.InvalidRequest, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.ProtocolVersionUnsupported, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.ProtocolViolation, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.WaitAlreadyPending, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.RoundNotInProgress, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.NotRoundParticipant, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.DroppedFromRound, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.RoundNotFormed, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.RoundAborted, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.SessionAlreadyExists, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.ClientAlreadyEnrolled, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.ClientNotFound, typeof(ServerErrorException))]
    [InlineData(RpcErrorTranslator.Reasons.StorageFailed, typeof(ServerErrorException))]
    public void Translate_ErrorInfoReason_DecidesOverTheCode(string reason, System.Type expected)
    {
        var status = new Google.Rpc.Status { Code = (int)Code.FailedPrecondition, Message = "anything", Details = { Any.Pack(new ErrorInfo { Domain = RpcErrorTranslator.Domain, Reason = reason }) } };

        FederationException translated = RpcErrorTranslator.Translate(status.ToRpcException(), Server, "bank-1", 2);

        Assert.IsType(expected, translated);
    }

    [Property(MaxTest = 300)]
    public bool Translate_AnyStatusText_TypeDependsOnlyOnCodeAndReason(NonEmptyString text, bool withForeignReason)
    {
        // The old client read "schema" and "rounds" in the text; the type must not move with any text.
        StatusCode[] codes = System.Enum.GetValues<StatusCode>().Where(c => c != StatusCode.OK).ToArray();
        return codes.All(code =>
        {
            var plain = new RpcException(new Grpc.Core.Status(code, "plain"));
            var status = new Google.Rpc.Status { Code = (int)code, Message = text.Get };
            if (withForeignReason)
            {
                status.Details.Add(Any.Pack(new ErrorInfo { Domain = "example.com", Reason = RpcErrorTranslator.Reasons.SchemaMismatch }));
            }

            return RpcErrorTranslator.Translate(status.ToRpcException(), Server, "c", 1).GetType() == RpcErrorTranslator.Translate(plain, Server, "c", 1).GetType();
        });
    }

    [Fact]
    public void KnownReasons_EveryReasonConstant_HasAMeaning()
    {
        string[] constants = [.. typeof(RpcErrorTranslator.Reasons).GetFields().Select(f => (string)f.GetRawConstantValue()!)];

        Assert.Equal(constants.Order(StringComparer.Ordinal), RpcErrorTranslator.KnownReasons.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(StatusCode.ResourceExhausted, RpcErrorTranslator.Reasons.ClientBusy, true)]
    [InlineData(StatusCode.ResourceExhausted, RpcErrorTranslator.Reasons.ServerBusy, true)]
    [InlineData(StatusCode.ResourceExhausted, null, true)]
    [InlineData(StatusCode.Unavailable, null, true)]
    [InlineData(StatusCode.ResourceExhausted, RpcErrorTranslator.Reasons.MessageTooLarge, false)]
    [InlineData(StatusCode.FailedPrecondition, RpcErrorTranslator.Reasons.SessionCompleted, false)]
    [InlineData(StatusCode.Internal, RpcErrorTranslator.Reasons.StorageFailed, false)]
    public void IsRetryable_CodeAndReason_OnlyTransientRefusalsRetried(StatusCode code, string? reason, bool expected)
    {
        Assert.Equal(expected, RpcErrorTranslator.IsRetryable(Refusal(code, reason, "retry? the text says 'retry later'")));
    }

    /// <summary>
    /// Issue 12: for every status code and every reason (each known one, an unknown one, none, and a known one in a foreign
    /// domain), the exception type and whether the call is retried are the same whatever the status text says, including
    /// text full of the words the old client searched for.
    /// </summary>
    [Property(MaxTest = 200, Arbitrary = [typeof(RpcErrorTranslatorTests)])]
    public bool Translate_EveryCodeAndReason_TypeAndRetryIndependentOfText(StatusText first, StatusText second)
    {
        StatusCode[] codes = [.. System.Enum.GetValues<StatusCode>().Where(c => c != StatusCode.OK)];
        string?[] reasons = [.. RpcErrorTranslator.KnownReasons.Keys, "SOME_FUTURE_REASON", null];
        return codes.All(code => reasons.All(reason =>
        {
            RpcException a = Refusal(code, reason, first.Text);
            RpcException b = Refusal(code, reason, second.Text);
            RpcException foreign = Refusal(code, reason, first.Text, domain: "example.com");
            System.Type expected = ExpectedType(RpcErrorTranslator.Classify(code, reason));
            return RpcErrorTranslator.Translate(a, Server, "c", 1).GetType() == expected
                && RpcErrorTranslator.Translate(b, Server, "c", 1).GetType() == expected
                && RpcErrorTranslator.Translate(foreign, Server, "c", 1).GetType() == ExpectedType(RpcErrorTranslator.Classify(code, null))
                && RpcErrorTranslator.IsRetryable(a) == RpcErrorTranslator.IsRetryable(b)
                && RpcErrorTranslator.SessionEnd(a) == RpcErrorTranslator.SessionEnd(b);
        }));
    }

    [Fact]
    public void Translate_KnownReasonUnderAnyCode_ReasonDecides()
    {
        // A reason means the same under whatever code it arrives with: the code is only the fallback.
        Assert.All(System.Enum.GetValues<StatusCode>().Where(c => c != StatusCode.OK), code =>
            Assert.IsType<SchemaMismatchException>(RpcErrorTranslator.Translate(Refusal(code, RpcErrorTranslator.Reasons.SchemaMismatch, "rounds"), Server, "c", 1)));
    }

    public static Arbitrary<StatusText> StatusTexts() =>
        Arb.From(Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>().Select(t => t ?? string.Empty),
            Gen.ArrayOf(Gen.Elements(Words)).Select(w => string.Join(" ", w)),
            Gen.Elements(Words).SelectMany(w => ArbMap.Default.GeneratorFor<string>().Select(t => w + (t ?? string.Empty) + w)))
            .Select(t => new StatusText(t)));

    private static readonly string[] Words =
    [
        "rounds", "schema", "Schema", "all 5 rounds are done", "spent its privacy budget", "completed", "not enrolled", "revoked",
        "budget", "SESSION_COMPLETED", "BUDGET_EXHAUSTED", "SCHEMA_MISMATCH", "CALL_NOT_AUTHENTICATED", "retry later", "aborted",
        "does not exist", "unavailable", "DuplicateMessage:", "", "é ∑ 🙂", "\n", "%",
    ];

    private static System.Type ExpectedType(RpcErrorTranslator.FailureKind kind) => kind switch
    {
        RpcErrorTranslator.FailureKind.Unavailable => typeof(ServerUnavailableException),
        RpcErrorTranslator.FailureKind.SessionEnded => typeof(SessionEndedException),
        RpcErrorTranslator.FailureKind.SchemaMismatch => typeof(SchemaMismatchException),
        RpcErrorTranslator.FailureKind.Rejected => typeof(ClientRejectedException),
        _ => typeof(ServerErrorException),
    };

    private static RpcException Refusal(StatusCode code, string? reason, string text, string domain = RpcErrorTranslator.Domain)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = text };
        if (reason is not null)
        {
            status.Details.Add(Any.Pack(new ErrorInfo { Domain = domain, Reason = reason }));
        }

        return status.ToRpcException();
    }

    /// <summary>A status text, as a server (or anything between) might write it.</summary>
    public sealed record StatusText(string Text);
}
