using PrivateFl.Server.Storage;
using ProtoRoundOutcome = PrivateFl.Protocol.V1.RoundOutcome;
using ProtoSessionState = PrivateFl.Protocol.V1.SessionState;

namespace PrivateFl.Server.Tests;

/// <summary>Issue 12: session states and round outcomes are enums on the wire with the stored enums' numbers (specs/api.md, "Enums").</summary>
public sealed class WireEnumTests
{
    [Fact]
    public void SessionState_EveryStoredValue_SameNumberAndNameOnTheWire()
    {
        Assert.Equal(0, (int)ProtoSessionState.Unspecified);
        Assert.Equal(Enum.GetValues<SessionState>().Length + 1, Enum.GetValues<ProtoSessionState>().Length);
        Assert.All(Enum.GetValues<SessionState>(), v => Assert.Equal(v.ToString(), ((ProtoSessionState)(int)v).ToString()));
    }

    [Fact]
    public void RoundOutcome_EveryStoredValue_SameNumberAndNameOnTheWire()
    {
        Assert.Equal(0, (int)ProtoRoundOutcome.Unspecified);
        Assert.Equal(Enum.GetValues<RoundOutcomeKind>().Length + 1, Enum.GetValues<ProtoRoundOutcome>().Length);
        Assert.All(Enum.GetValues<RoundOutcomeKind>(), v => Assert.Equal(v.ToString(), ((ProtoRoundOutcome)(int)v).ToString()));
    }
}
