package org.aepdsm.dsm.cluster;

/**
 * The first byte of every frame. Requests carry a request id that their single {@link #RESPONSE} echoes;
 * announcements are multicast and carry id 0. The page protocol's requests (the first four, and COPIES)
 * travel on call links; grant = the grant number that made the asked node a holder of the page.
 *
 * <pre>
 *   PAGE_REQUEST   requester -> origin   region, size, page, write        reply: [0][seq][page] data,
 *                                                                         [1][seq] grant without data
 *   FETCH          origin -> holder      region, page, mode, grant        reply: page data
 *   INVALIDATE     origin -> holder      region, page, grant              reply: empty (ack)
 *   PAGE_STATE     any -> origin         region, page                     reply: owners, writer, lost
 *   COPIES         new origin -> node    region, dead origin              reply: pages, state per page,
 *                                                                         grant per page
 *   OPEN_REGION    any -> coordinator    name, size (0 = look up only)    reply: size, origin
 *   REGION         multicast             name, size, origin
 *   TASK_MOVE      any -> target node    task id, class, migrations, state reply: empty (accepted)
 *   TASK_MIGRATE   any -> task's node    task id, target node             reply: empty (recorded)
 *   TASK_INFO      multicast             task id, class, node, migrations, done
 *   RESPONSE       reply                 status (0 or errno), message, payload
 * </pre>
 */
public final class FrameType {
    public static final byte PAGE_REQUEST = 1;
    public static final byte FETCH = 2;
    public static final byte INVALIDATE = 3;
    public static final byte PAGE_STATE = 4;
    public static final byte OPEN_REGION = 5;
    public static final byte REGION = 6;
    public static final byte TASK_MOVE = 7;
    public static final byte TASK_MIGRATE = 8;
    public static final byte TASK_INFO = 9;
    public static final byte RESPONSE = 10;
    public static final byte COPIES = 11;

    private FrameType() {
    }
}
