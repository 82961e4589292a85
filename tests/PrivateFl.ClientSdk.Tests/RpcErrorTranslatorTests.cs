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
    [InlineData(RpcErrorTranslator.Reasons.NotAuthenticated, typeof(ClientRejectedException))]
    [InlineData(RpcErrorTranslator.Reasons.ClientBusy, typeof(ServerUnavailableException))]
    [InlineData(RpcErrorTranslator.Reasons.ServerBusy, typeof(ServerUnavailableException))]
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
}
