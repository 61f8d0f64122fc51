import NIOCore
// NIOHTTPTypes comes with Hummingbird (swift-nio-extras); the parts it names are what
// Hummingbird's pipeline carries after its HTTP/1 codec.
import NIOHTTPTypes

/// Closes a connection whose request does not arrive in time, however it trickles
/// (512 slow sockets once locked out the API, because an idle timeout is reset by every
/// part read, and a body sent a byte a second is a part a second).
///
/// Decision: one total deadline per request, not per byte.
/// - A request (head, body and end) must be read within `readTimeout` of the moment the
///   connection became ready for it: accepted, or its previous response written. The wait of
///   a kept-alive connection for its next request counts too, so an idle connection also
///   closes after `readTimeout`.
/// - Its response must be written within `answerTimeout` of the request's end (a client that
///   never reads a large answer does not keep its connection either).
///
/// With the connection cap, a flood of slow clients therefore holds every slot for at most
/// `readTimeout`; a normal request waits in the backlog at worst that long, never for ever.
/// It sits after the HTTP codec (Hummingbird's `additionalChannelHandlers`); it runs on the
/// connection's event loop only.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let readTimeout: TimeAmount
    let answerTimeout: TimeAmount
    /// A request's head is read, its end not yet.
    private var reading = false
    /// Requests read whose response has not ended.
    private var pending = 0
    private var timer: Scheduled<Void>?

    init(readTimeout: TimeAmount, answerTimeout: TimeAmount) {
        self.readTimeout = readTimeout
        self.answerTimeout = answerTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, readTimeout) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelActive(context: ChannelHandlerContext) {
        if timer == nil { arm(context, readTimeout) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            reading = true
            // A pipelined request read while an earlier one is being answered starts its own
            // deadline; otherwise the one armed when the connection became ready goes on.
            if pending > 0 { arm(context, readTimeout) }
        case .body:
            break
        case .end:
            reading = false
            pending += 1
            arm(context, answerTimeout)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            pending = max(0, pending - 1)
            if pending == 0 {
                arm(context, readTimeout)
            } else if !reading {
                arm(context, answerTimeout)
            }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount) {
        timer?.cancel()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            context.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
