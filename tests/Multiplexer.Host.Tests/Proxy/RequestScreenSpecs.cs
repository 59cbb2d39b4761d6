using Multiplexer.Host.Proxy;
using Multiplexer.Host.Tests.Infrastructure;
using Xunit;

namespace Multiplexer.Host.Tests.Proxy;

/// <summary>What the proxy refuses before a worker is involved, with the status and reason the client gets.</summary>
public sealed class RequestScreenSpecs
{
    [Theory]
    [InlineData("gzip, chunked", 501, "unsupported transfer coding: gzip, chunked")]
    [InlineData("identity", 501, "unsupported transfer coding: identity")]
    [InlineData("chunked, chunked", 400, "chunked applied more than once: chunked, chunked")]
    public void Should_refuse_a_transfer_coding_other_than_one_chunked(string transferEncoding, int status, string reason)
    {
        var request = Requests.Make("POST", "/upload", ("Transfer-Encoding", transferEncoding)).Request;

        Assert.Equal((status, reason), RequestScreen.Malformed(request, "/upload"));
    }

    [Fact]
    public void Should_refuse_chunked_sent_in_two_transfer_encoding_fields()
    {
        var request = Requests.Make("POST", "/upload", ("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")).Request;

        Assert.Equal((400, "chunked applied more than once: chunked,chunked"), RequestScreen.Malformed(request, "/upload"));
    }

    [Theory]
    [InlineData("chunked")]
    [InlineData("Chunked")]
    public void Should_let_one_chunked_coding_through_in_any_case(string transferEncoding)
    {
        var request = Requests.Make("POST", "/upload", ("Transfer-Encoding", transferEncoding)).Request;

        Assert.Null(RequestScreen.Malformed(request, "/upload"));
    }

    [Theory]
    [InlineData("/a\u0000b")]
    [InlineData("/a\tb")]
    [InlineData("/a\u001b[31m")]
    [InlineData("/a\u007fb")]
    public void Should_refuse_a_control_character_in_the_target(string target)
    {
        var request = Requests.Make("GET", target).Request;

        Assert.Equal((400, "control character in the request target"), RequestScreen.Malformed(request, target));
    }

    [Fact]
    public void Should_refuse_a_control_character_in_a_header_value_naming_the_header()
    {
        var request = Requests.Make("GET", "/", ("X-Note", "line\rbreak")).Request;

        Assert.Equal((400, "control character in header X-Note"), RequestScreen.Malformed(request, "/"));
    }

    [Fact]
    public void Should_quote_no_control_character_when_a_transfer_coding_holds_one()
    {
        var request = Requests.Make("POST", "/", ("Transfer-Encoding", "gzip\u001b, chunked")).Request;

        Assert.Equal((400, "control character in header Transfer-Encoding"), RequestScreen.Malformed(request, "/"));
    }

    [Fact]
    public void Should_let_a_tab_inside_a_header_value_through()
    {
        var request = Requests.Make("GET", "/%00?q=%1b", ("X-Note", "a\tb"), ("User-Agent", "curl/8.5.0")).Request;

        Assert.Null(RequestScreen.Malformed(request, "/%00?q=%1b"));
    }

    [Fact]
    public void Should_escape_control_characters_of_the_target_for_the_log()
    {
        Assert.Equal("/a\\x1b[31mred\\x7f\\x00", RequestScreen.Printable("/a\u001b[31mred\u007f\u0000"));
    }

    [Fact]
    public void Should_log_a_printable_target_as_it_came()
    {
        const string target = "/caf%C3%A9?q=a b&é=1";

        Assert.Same(target, RequestScreen.Printable(target));
    }
}
