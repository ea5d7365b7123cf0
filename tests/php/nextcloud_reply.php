<?php
// Applies an iMIP REPLY to the organizer's copy the way Nextcloud's
// calendar manager does (OC\Calendar\Manager::handleIMipReply): the sender
// is the REPLY's first ATTENDEE, who must already be an attendee of the
// organizer's event, and sabre/vobject's ITip\Broker applies the message.
// Unlike the shared itip.php, a REPLY may name more than one ATTENDEE, as
// RFC 5546 section 4.2.5 has a delegation reply do (the delegate follows).
//
//   php nextcloud_reply.php SABRE_DIR VERSION REPLY.ics ORGANIZER-COPY.ics
//
// SABRE_DIR holds vobject-VERSION/ and xml/ (shared/tools/sabre-vobject).
// Prints the organizer's copy after the reply; exits 3 when Nextcloud or
// the broker would ignore the message, 2 on bad input.
[$root, $version, $replyFile, $copyFile] = array_pad(array_slice($argv, 1), 4, null);
if (!$copyFile) { fwrite(STDERR, "usage: php nextcloud_reply.php SABRE_DIR VERSION REPLY.ics COPY.ics\n"); exit(2); }
spl_autoload_register(function ($class) use ($root, $version) {
    $map = ['Sabre\\VObject\\' => "$root/vobject-$version/lib/", 'Sabre\\Xml\\' => "$root/xml/lib/"];
    foreach ($map as $prefix => $dir) {
        if (strpos($class, $prefix) === 0) {
            $f = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (file_exists($f)) { require $f; return; }
        }
    }
});

use Sabre\VObject\Reader;
use Sabre\VObject\ITip\Broker;
use Sabre\VObject\ITip\Message;

try {
    $reply = Reader::read(file_get_contents($replyFile));
    $copy = Reader::read(file_get_contents($copyFile));
} catch (\Throwable $t) {
    fwrite(STDERR, 'does not parse: ' . $t->getMessage() . "\n");
    exit(2);
}
$event = $reply->VEVENT;
if (!$event || strcasecmp('REPLY', (string)$reply->METHOD) !== 0 || !isset($event->ATTENDEE)) {
    fwrite(STDERR, "not a REPLY with an ATTENDEE\n");
    exit(2);
}
$sender = $event->ATTENDEE->getValue();
$known = false;
foreach ($copy->VEVENT->ATTENDEE ?? [] as $a) {
    $known = $known || strcasecmp($a->getValue(), $sender) === 0;
}
if (!$known) { fwrite(STDERR, "party crashing: $sender is not an attendee\n"); exit(3); }
$msg = new Message();
$msg->recipient = $event->ORGANIZER->getValue();
$msg->uid = $event->UID->getValue();
$msg->component = 'VEVENT';
$msg->method = 'REPLY';
$msg->sequence = isset($event->SEQUENCE) ? (int)$event->SEQUENCE->getValue() : 0;
$msg->sender = $sender;
$msg->message = $reply;
$result = (new Broker())->processMessage($msg, $copy);
if (!$result) { fwrite(STDERR, "the broker ignored the message\n"); exit(3); }
echo $result->serialize();
