using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests.Claims;

/// <summary>
/// specs/api.md "Authentication" (docs/claims.md A3): the nonce is the 16 raw bytes its hex decodes to; the server accepts
/// either letter case and keys its replay cache on the bytes, so a call resent with its nonce in another case is a replay.
/// </summary>
public sealed class NonceCaseClaimsTests
{
    private const string GetModel = "/privatefl.v1.Federation/GetModel";

    // GetModelRequest { session_id = "s" }.
    private static readonly byte[] Message = Convert.FromHexString("0A0173");

    public static TheoryData<string> OtherCases => new() { "upper", "mixed" };

    /// <summary>
    /// The same signed call with its nonce header rewritten in upper or mixed case signs the same bytes (the signature
    /// still verifies) and is refused UNAUTHENTICATED with CALL_REPLAYED; a fresh call goes through afterwards.
    /// </summary>
    [Theory]
    [MemberData(nameof(OtherCases))]
    public async Task Call_RepeatedWithItsNonceInAnotherLetterCase_RefusedAsReplayed(string letterCase)
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        SigningKey key = await server.EnrollAsync("bank-1");
        using var channel = GrpcChannel.ForAddress(server.Address);
        Metadata headers = RawCalls.Sign(GetModel, "bank-1", key, Message);
        Metadata recased = WithNonce(headers, nonce => letterCase == "upper" ? nonce.ToUpperInvariant() : MixedCase(nonce));

        byte[] first = await RawCalls.UnaryAsync(channel, GetModel, Message, headers);
        var replay = await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, GetModel, Message, recased));
        byte[] fresh = await RawCalls.UnaryAsync(channel, GetModel, Message, RawCalls.Sign(GetModel, "bank-1", key, Message));

        Assert.NotEqual(Nonce(headers), Nonce(recased));
        Assert.Equal("s", ModelVersion.Parser.ParseFrom(first).SessionId);
        Assert.Equal(StatusCode.Unauthenticated, replay.StatusCode);
        Assert.Equal("CALL_REPLAYED", replay.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal("s", ModelVersion.Parser.ParseFrom(fresh).SessionId);
    }

    /// <summary>A first call whose nonce is upper case is accepted (either case), and its lower-case repeat is the replay.</summary>
    [Fact]
    public async Task Call_FirstSentWithUpperCaseNonce_AcceptedAndItsLowerCaseRepeatRefusedAsReplayed()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.CreateCreditSessionAsync("s", clients: 3, rounds: 1);
        SigningKey key = await server.EnrollAsync("bank-1");
        using var channel = GrpcChannel.ForAddress(server.Address);
        Metadata lower = RawCalls.Sign(GetModel, "bank-1", key, Message);
        Metadata upper = WithNonce(lower, nonce => nonce.ToUpperInvariant());

        byte[] first = await RawCalls.UnaryAsync(channel, GetModel, Message, upper);
        var replay = await Assert.ThrowsAsync<RpcException>(() => RawCalls.UnaryAsync(channel, GetModel, Message, lower));

        Assert.Equal("s", ModelVersion.Parser.ParseFrom(first).SessionId);
        Assert.Equal(StatusCode.Unauthenticated, replay.StatusCode);
        Assert.Equal("CALL_REPLAYED", replay.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
    }

    private static string Nonce(Metadata headers) => headers.Get(CallSignature.NonceHeader)!.Value;

    private static Metadata WithNonce(Metadata headers, Func<string, string> rewrite)
    {
        var copy = new Metadata();
        foreach (Metadata.Entry entry in headers)
        {
            copy.Add(entry.Key, entry.Key == CallSignature.NonceHeader ? rewrite(entry.Value) : entry.Value);
        }

        return copy;
    }

    // Upper case on the first, third, fifth … letter of the hex; the SDK writes lower case, so the header changes unless
    // the nonce's hex has no letter at all (probability (10/16)^32 ≈ 3·10^−7), which the test's NotEqual would show.
    private static string MixedCase(string hex)
    {
        int letters = 0;
        return string.Concat(hex.Select(c => char.IsLetter(c) && letters++ % 2 == 0 ? char.ToUpperInvariant(c) : c));
    }
}
